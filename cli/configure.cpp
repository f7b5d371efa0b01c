// `avala configure`: ask for a key (never echoed, never printed), check it
// with one cheap request, save it 0600 in a profile of the config file.
#include <cstdlib>
#include <string>

#include "abi.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"
#include "output.hpp"

namespace avala_cli {

int run_configure(Context& ctx) {
    const OptionValues& global = ctx.invocation().global_options;
    ProfileChoice choice = choose_profile(global);
    const std::string path = config_path();
    // Read first: a file we cannot parse is reported before asking for a key.
    // An open mode only warns here, since the file is rewritten 0600.
    ConfigFile config = load_config(path, /*allow_open_mode=*/true);

    std::optional<std::string> key = key_from_flags(global);
    if (!key) key = read_secret_from_stdin("API key for profile '" + choice.name + "': ");

    // The base URL the key is checked against: the flag (saved with the key),
    // else the environment, else the profile's.
    std::optional<std::string> base_url = global.get("base-url");
    const bool save_base_url = base_url.has_value();
    if (!base_url)
        if (const char* e = std::getenv("AVALA_BASE_URL"); e && *e) base_url = e;
    if (!base_url)
        if (auto it = config.profiles.find(choice.name); it != config.profiles.end()) base_url = it->second.base_url;

    if (!ctx.flag("no-verify")) {
        avala::Client client = ctx.make_client(*key, base_url);
        abi::ListArgs args;
        args.limit = 1;
        abi::ListOptions opts(args);
        avala_project_page* page = nullptr;
        avala_error* err = nullptr;
        try {
            abi::check(avala_project_list_page(&page, client.get(), opts.get(), &err), err);
        } catch (const avala::Error& e) {
            if (e.code() == AVALA_E_AUTHENTICATION)
                throw CommandFailed(kExitAuth, "the API refused this key (HTTP 401); nothing was saved");
            throw CommandFailed(exit_status_for(e.code()),
                                std::string(e.what()) + "; nothing was saved (--no-verify saves without checking)");
        }
        avala_project_page_free(page);
    }

    Profile values;
    values.api_key = key;
    if (save_base_url) values.base_url = base_url;
    save_profile(path, choice.name, values);

    if (ctx.json_output()) {
        ctx.out().write("{\"profile\": " + json_quote(choice.name) + ", \"path\": " + json_quote(path) +
                        ", \"verified\": " + (ctx.flag("no-verify") ? "false" : "true") + "}\n");
    } else {
        ctx.out().write("saved the API key" + std::string(save_base_url ? " and base URL" : "") + " in profile '" +
                        choice.name + "' of " + printable(path) + (ctx.flag("no-verify") ? " (not verified)" : "") +
                        "\n");
    }
    return kExitOk;
}

}  // namespace avala_cli
