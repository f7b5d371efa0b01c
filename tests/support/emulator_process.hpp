// Child processes for integration tests: started with posix_spawn, stdout read
// line by line, stopped with SIGTERM when the object goes away.
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

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv) {
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    int rc = posix_spawnp(&pid_, argv[0].c_str(), &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      throw std::runtime_error("cannot start " + argv[0]);
    }
    out_ = fds[0];
  }
  ~ChildProcess() {
    if (out_ >= 0) close(out_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of the child's stdout ("" at end of file).
  std::string read_line() {
    std::string line;
    char ch;
    while (read(out_, &ch, 1) == 1 && ch != '\n') line.push_back(ch);
    return line;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

// An avala-emulator (env AVALA_EMULATOR) on an ephemeral loopback port.
class EmulatorProcess {
 public:
  explicit EmulatorProcess(std::vector<std::string> args) : child_(argv(std::move(args))) {
    url_ = child_.read_line();
    if (url_.empty()) throw std::runtime_error("the emulator printed no URL");
  }
  const std::string& url() const { return url_; }

 private:
  static std::vector<std::string> argv(std::vector<std::string> args) {
    const char* bin = std::getenv("AVALA_EMULATOR");
    if (bin == nullptr) throw std::runtime_error("AVALA_EMULATOR is not set");
    std::vector<std::string> v{bin, "--port", "0"};
    v.insert(v.end(), args.begin(), args.end());
    return v;
  }
  ChildProcess child_;
  std::string url_;
};

}  // namespace avala_test
