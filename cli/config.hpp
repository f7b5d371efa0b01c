// Where the CLI's settings come from: flags, the environment, and profiles in
// a TOML config file ($XDG_CONFIG_HOME/avala/config.toml, default
// ~/.config/avala/config.toml):
//
//     [profiles.default]
//     api_key = "..."
//     base_url = "https://api.avala.ai/api/v1"
//
// Each setting comes from its flag, else its environment variable, else the
// profile, else the library's default. Failures are CommandFailed with
// kExitConfig, naming the file (and line) but never a key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "args.hpp"

namespace avala_cli {

struct Profile {
    std::optional<std::string> api_key;
    std::optional<std::string> base_url;
};

struct ConfigFile {
    std::string path;
    std::map<std::string, Profile> profiles;  // empty when the file does not exist
    bool exists = false;
};

// The config file's path; CommandFailed when neither XDG_CONFIG_HOME nor HOME
// is set.
std::string config_path();

// Reads and checks the file; a missing file is an empty ConfigFile. Unknown
// keys are reported on stderr and ignored. A file holding a key that group or
// others may access is refused unless `allow_open_mode` (configure, which
// rewrites it 0600, only warns).
ConfigFile load_config(const std::string& path, bool allow_open_mode = false);

// The profile named by --profile, else $AVALA_PROFILE, else "default";
// `named` tells whether one was asked for. UsageError for a bad name.
struct ProfileChoice {
    std::string name;
    bool named = false;
};
ProfileChoice choose_profile(const OptionValues& global);

// Writes `profile`'s values into the file (other profiles and keys kept;
// comments are not), creating missing directories 0700 and the file 0600,
// replacing it atomically.
void save_profile(const std::string& path, const std::string& profile, const Profile& values);

// A secret from standard input: on a terminal, prompted for on stderr and read
// without echo; otherwise all of stdin. Surrounding whitespace removed.
std::string read_secret_from_stdin(std::string_view prompt);
// A secret from a file (at most 64 KiB), surrounding whitespace removed.
std::string read_secret_file(const std::string& path);

// The API key and base URL a client uses, by the precedence above; an
// api_key that is unset means none was found.
struct Settings {
    std::optional<std::string> api_key;
    std::optional<std::string> base_url;
    std::string profile;
    std::string key_source;  // "--api-key", "AVALA_API_KEY", "profile 'x' in PATH"; for messages
};
// The key from --api-key (KEY, or '-' for stdin) or --api-key-file, if given.
std::optional<std::string> key_from_flags(const OptionValues& global);
Settings resolve_settings(const OptionValues& global);

}  // namespace avala_cli
