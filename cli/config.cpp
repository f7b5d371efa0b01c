#include "config.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <toml++/toml.h>

#include "exit_codes.hpp"
#include "output.hpp"

namespace avala_cli {
namespace {

constexpr std::size_t kMaxSecret = 64 * 1024;
constexpr std::size_t kMaxConfig = 1024 * 1024;

[[noreturn]] void config_error(const std::string& message) { throw CommandFailed(kExitConfig, message); }

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

std::string trimmed(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::string errno_text(int err) { return std::strerror(err); }

void warn(const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "avala: warning: %s\n", printable(message).c_str());
}

// The whole of fd, at most `limit` bytes; nullopt when there is more.
std::optional<std::string> read_all(int fd, std::size_t limit, int& err) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            return std::nullopt;
        }
        if (n == 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > limit) {
            err = EFBIG;
            return std::nullopt;
        }
    }
}

std::string where(const std::string& path, const toml::source_region& at) {
    return path + ":" + std::to_string(at.begin.line);
}

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

bool valid_profile_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

// Creates the missing directories of `dir` with mode 0700.
void make_dirs(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) config_error(dir + " exists and is not a directory");
        return;
    }
    if (auto slash = dir.find_last_of('/'); slash != std::string::npos && slash > 0) make_dirs(dir.substr(0, slash));
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        config_error("cannot create directory " + dir + ": " + errno_text(errno));
}

// The file's text and mode, or nullopt when it does not exist.
std::optional<std::pair<std::string, mode_t>> read_config_text(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        config_error("cannot read config file " + path + ": " + errno_text(errno));
    }
    struct stat st {};
    int err = 0;
    std::optional<std::string> text;
    if (::fstat(fd, &st) != 0) {
        err = errno;
    } else if (!S_ISREG(st.st_mode)) {
        err = EINVAL;
    } else {
        text = read_all(fd, kMaxConfig, err);
    }
    ::close(fd);
    if (!text) config_error("cannot read config file " + path + ": " + (err == EINVAL ? "not a regular file" : errno_text(err)));
    return std::make_pair(std::move(*text), st.st_mode);
}

toml::table parse_config(const std::string& text, const std::string& path) {
    try {
        return toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        config_error(where(path, e.source()) + ":" + std::to_string(e.source().begin.column) +
                     ": invalid TOML: " + std::string(e.description()));
    }
}

std::optional<std::string> string_setting(const toml::node& value, const std::string& path, std::string_view key) {
    if (const auto* s = value.as_string()) return s->get();
    config_error(where(path, value.source()) + ": " + std::string(key) + " must be a quoted string");
}

// While echo is off: a signal that ends us (Ctrl-C) first gives the
// terminal its echo back. Only async-signal-safe calls in the handler.
termios g_saved_termios {};

void restore_echo_and_die(int sig) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

class EchoOff {
public:
    EchoOff() {
        if (::tcgetattr(STDIN_FILENO, &old_) != 0) return;
        g_saved_termios = old_;
        struct sigaction sa {};
        sa.sa_handler = restore_echo_and_die;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 3; ++i) {
            ::sigaction(kSignals[i], &sa, &previous_[i]);
            if (previous_[i].sa_handler == SIG_IGN) ::sigaction(kSignals[i], &previous_[i], nullptr);  // stays ignored
        }
        termios quiet = old_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;  // the Enter still moves to a new line
        active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff() {
        if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &old_);
        for (int i = 0; i < 3; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
    termios old_ {};
    struct sigaction previous_[3] {};
    bool active_ = false;
};

}  // namespace

namespace {
std::optional<std::string> find_config_path() {
    // XDG: a relative XDG_CONFIG_HOME is to be ignored.
    if (auto xdg = env("XDG_CONFIG_HOME"); xdg && xdg->front() == '/') return *xdg + "/avala/config.toml";
    if (auto home = env("HOME")) return *home + "/.config/avala/config.toml";
    return std::nullopt;
}
}  // namespace

std::string config_path() {
    if (auto path = find_config_path()) return *path;
    config_error("cannot find the config file: neither XDG_CONFIG_HOME nor HOME is set");
}

ConfigFile load_config(const std::string& path, bool allow_open_mode) {
    ConfigFile config;
    config.path = path;
    auto file = read_config_text(path);
    if (!file) return config;
    config.exists = true;
    toml::table root = parse_config(file->first, path);

    bool holds_key = false;
    for (auto&& [key, value] : root) {
        if (key.str() != "profiles") {
            warn(where(path, key.source()) + ": unknown key '" + std::string(key.str()) + "' (ignored)");
            continue;
        }
        const toml::table* profiles = value.as_table();
        if (!profiles) config_error(where(path, value.source()) + ": 'profiles' must be a table");
        for (auto&& [name, body] : *profiles) {
            std::string profile_name(name.str());
            const toml::table* table = body.as_table();
            if (!table)
                config_error(where(path, body.source()) + ": profile '" + printable(profile_name) +
                             "' must be a table ([profiles." + printable(profile_name) + "])");
            Profile p;
            for (auto&& [setting, v] : *table) {
                if (setting.str() == "api_key") {
                    p.api_key = string_setting(v, path, "api_key");
                    holds_key = true;
                } else if (setting.str() == "base_url") {
                    p.base_url = string_setting(v, path, "base_url");
                } else {
                    warn(where(path, setting.source()) + ": unknown key '" + std::string(setting.str()) +
                         "' in profile '" + profile_name + "' (ignored)");
                }
            }
            config.profiles.emplace(std::move(profile_name), std::move(p));
        }
    }

    if (holds_key && (file->second & 077) != 0) {
        std::string message = "config file " + path + " holds an API key but group or others may access it (mode " +
                              mode_text(file->second) + ")";
        if (!allow_open_mode) config_error(message + "; run: chmod 600 " + path);
        warn(message + "; it is rewritten with mode 0600");
    }
    return config;
}

ProfileChoice choose_profile(const OptionValues& global) {
    ProfileChoice choice{"default", false};
    if (auto p = global.get("profile")) {
        choice = {*p, true};
    } else if (auto e = env("AVALA_PROFILE")) {
        choice = {*e, true};
    }
    if (!valid_profile_name(choice.name)) {
        std::string message = "bad profile name '" + printable(choice.name) +
                              "': use letters, digits, '-' and '_' (at most 64)";
        if (global.has("profile")) throw UsageError(message);
        config_error(message + " (from AVALA_PROFILE)");
    }
    return choice;
}

void save_profile(const std::string& path, const std::string& profile, const Profile& values) {
    toml::table root;
    if (auto file = read_config_text(path)) root = parse_config(file->first, path);
    toml::node* profiles_node = root.get("profiles");
    if (!profiles_node) {
        root.insert("profiles", toml::table{});
        profiles_node = root.get("profiles");
    }
    toml::table* profiles = profiles_node->as_table();
    if (!profiles) config_error(path + ": 'profiles' must be a table");
    toml::node* table_node = profiles->get(profile);
    if (!table_node) {
        profiles->insert(profile, toml::table{});
        table_node = profiles->get(profile);
    }
    toml::table* table = table_node->as_table();
    if (!table) config_error(path + ": profile '" + profile + "' must be a table");
    if (values.api_key) table->insert_or_assign("api_key", *values.api_key);
    if (values.base_url) table->insert_or_assign("base_url", *values.base_url);

    std::ostringstream text;
    text << "# avala CLI settings (see 'avala --help'). Written by 'avala configure'.\n" << root << "\n";
    const std::string body = text.str();

    const std::string dir = path.substr(0, path.find_last_of('/'));
    make_dirs(dir);
    // A private temporary file in the same directory, then one rename: the
    // file is never seen half-written or with a wider mode.
    std::string tmp = path + ".tmp-XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) config_error("cannot write " + path + ": " + errno_text(errno));
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t done = 0; ok && done < body.size();) {
        ssize_t n = ::write(fd, body.data() + done, body.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    int err = ok ? 0 : errno;
    if (ok && ::fsync(fd) != 0) {
        ok = false;
        err = errno;
    }
    if (::close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        ::unlink(tmp.c_str());
        config_error("cannot write " + path + ": " + errno_text(err ? err : EIO));
    }
}

std::string read_secret_from_stdin(std::string_view prompt) {
    if (::isatty(STDIN_FILENO) == 1) {
        // Echo off first, then the prompt: what is typed after the prompt
        // is never shown nor discarded by the switch.
        EchoOff echo_off;
        std::fflush(stdout);
        std::fputs(std::string(prompt).c_str(), stderr);
        std::fflush(stderr);
        std::string line;
        char c = 0;
        ssize_t n = 0;
        while ((n = ::read(STDIN_FILENO, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
            if (n < 0) continue;
            if (c == '\n') break;
            line += c;
            if (line.size() > kMaxSecret) break;
        }
        std::string key = trimmed(line);
        if (key.empty()) config_error("no API key was entered");
        return key;
    }
    int err = 0;
    auto text = read_all(STDIN_FILENO, kMaxSecret, err);
    if (!text) config_error("cannot read the API key from standard input: " + errno_text(err));
    std::string key = trimmed(*text);
    if (key.empty()) config_error("no API key on standard input");
    return key;
}

std::string read_secret_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) config_error("cannot read API key file " + printable(path) + ": " + errno_text(errno));
    int err = 0;
    auto text = read_all(fd, kMaxSecret, err);
    ::close(fd);
    if (!text) config_error("cannot read API key file " + printable(path) + ": " + errno_text(err));
    std::string key = trimmed(*text);
    if (key.empty()) config_error("API key file " + printable(path) + " is empty");
    return key;
}

std::optional<std::string> key_from_flags(const OptionValues& global) {
    auto key = global.get("api-key");
    auto file = global.get("api-key-file");
    if (key && file) throw UsageError("options --api-key and --api-key-file cannot be used together");
    if (file) return read_secret_file(*file);
    if (key && *key == "-") return read_secret_from_stdin("API key: ");
    if (key && key->empty()) throw UsageError("option --api-key needs a key (or '-' to read it from stdin)");
    return key;
}

Settings resolve_settings(const OptionValues& global) {
    Settings s;
    ProfileChoice choice = choose_profile(global);
    s.profile = choice.name;

    if ((s.api_key = key_from_flags(global))) {
        s.key_source = global.has("api-key-file") ? "--api-key-file" : "--api-key";
    } else if ((s.api_key = env("AVALA_API_KEY"))) {
        s.key_source = "AVALA_API_KEY";
    }
    if (!(s.base_url = global.get("base-url"))) s.base_url = env("AVALA_BASE_URL");

    // The file is read only when it can matter, so a broken or open file
    // does not stand in the way of flags and environment.
    std::optional<std::string> path = find_config_path();
    if (!path && choice.named) path = config_path();  // throws: the profile asked for cannot be found
    if (path && (!s.api_key || !s.base_url || choice.named)) {
        ConfigFile config = load_config(*path);
        auto it = config.profiles.find(choice.name);
        if (it == config.profiles.end()) {
            if (choice.named) {
                std::string known;
                for (const auto& [name, _] : config.profiles) known += (known.empty() ? "" : ", ") + name;
                config_error("profile '" + choice.name + "' not found in " + config.path +
                             (config.exists ? (known.empty() ? " (it has no profiles)" : " (profiles: " + known + ")")
                                            : " (the file does not exist)") +
                             "; create it with: avala configure --profile " + choice.name);
            }
        } else {
            if (!s.api_key && it->second.api_key) {
                s.api_key = it->second.api_key;
                s.key_source = "profile '" + choice.name + "' in " + config.path;
            }
            if (!s.base_url && it->second.base_url) s.base_url = it->second.base_url;
        }
    }
    return s;
}

}  // namespace avala_cli
