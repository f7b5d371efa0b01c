// Starts an avala-emulator for one test on an ephemeral loopback port and
// stops it (SIGTERM) when the object goes away. Path from env AVALA_EMULATOR.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace avala_test {

class EmulatorProcess {
 public:
  explicit EmulatorProcess(std::vector<std::string> args) {
    const char* bin = std::getenv("AVALA_EMULATOR");
    if (bin == nullptr) throw std::runtime_error("AVALA_EMULATOR is not set");
    std::vector<std::string> argv{bin, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    int rc = posix_spawn(&pid_, bin, &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      throw std::runtime_error("cannot start the emulator");
    }
    char ch;
    while (read(fds[0], &ch, 1) == 1 && ch != '\n') url_.push_back(ch);
    close(fds[0]);
    if (url_.empty()) {
      stop();
      throw std::runtime_error("the emulator printed no URL");
    }
  }
  ~EmulatorProcess() { stop(); }
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  const std::string& url() const { return url_; }

 private:
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
  std::string url_;
};

}  // namespace avala_test
