// The command table: every resource as rows of data (views, descriptors,
// options) run by the generic commands of resources.cpp. A new resource is a
// view, a few descriptors and a ResourceSpec row; a resource the C ABI does
// not wrap yet can be reached through avala::Client::request in a run
// function of its own.
#include "commands.hpp"
#include "interrupt.hpp"

#include <cstdlib>
#include <array>
#include <chrono>
#include <cmath>

#include "abi.hpp"
#include "config.hpp"
#include "exit_codes.hpp"
#include "resources.hpp"

namespace avala_cli {

Context::Context(const Invocation& inv, Output& out) : inv_(inv), out_(out) {
    if (auto f = inv.global_options.get("output")) {
        if (*f == "table") format_ = Format::table;
        else if (*f == "json") format_ = Format::json;
        else if (*f == "jsonl") format_ = Format::jsonl;
        else throw UsageError("option --output must be 'table', 'json' or 'jsonl', got '" + printable(*f) + "'");
    }
    if (auto t = inv.global_options.get("timeout")) {
        double seconds = parse_positive_seconds(*t, "timeout");
        client_options_.timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000.0)));
    }
    if (auto r = inv.global_options.get("max-retries")) {
        double n = parse_number(*r, "max-retries");
        if (n < 0 || n > 100 || n != std::floor(n))
            throw UsageError("option --max-retries needs a whole number from 0 to 100, got '" + *r + "'");
        client_options_.max_retries = static_cast<std::int32_t>(n);
    }
    client_options_.rate_limit = inv.global_options.has("rate-limit");
    // Trust and identity; a key's passphrase only from the environment (a
    // flag's value would show in the process list).
    client_options_.ca_file = inv.global_options.get("ca-file");
    client_options_.ca_dir = inv.global_options.get("ca-dir");
    client_options_.client_cert = inv.global_options.get("client-cert");
    client_options_.client_key = inv.global_options.get("client-key");
    if (client_options_.client_key && !client_options_.client_cert)
        throw UsageError("option --client-key needs --client-cert");
    if (const char* pass = std::getenv("AVALA_CLIENT_KEY_PASSWORD"); pass != nullptr && *pass != '\0')
        client_options_.client_key_password = std::string(pass);
    // A proxy given on the command line wins over the environment's (curl's rules).
    client_options_.proxy = inv.global_options.get("proxy");
    client_options_.no_proxy = inv.global_options.get("noproxy");
    client_options_.user_agent_suffix = "avala-cli/" + std::string(avala::version());
    if (inv.global_options.has("api-key") && inv.global_options.has("api-key-file"))
        throw UsageError("options --api-key and --api-key-file cannot be used together");
    choose_profile(inv.global_options);  // a bad --profile is a usage error before anything else
}

avala::Client& Context::client() {
    if (client_) return *client_;
    Settings settings = resolve_settings(inv_.global_options);
    if (!settings.api_key)
        throw CommandFailed(kExitConfig,
                            "no API key: pass --api-key KEY, --api-key-file PATH or --api-key - (read from stdin), "
                            "set AVALA_API_KEY, or run 'avala configure' to save one in profile '" +
                                settings.profile + "'");
    client_.emplace(make_client(*settings.api_key, settings.base_url));
    return *client_;
}

avala::Client Context::make_client(const std::string& api_key, const std::optional<std::string>& base_url) const {
    avala::ClientOptions options = client_options_;
    options.api_key = api_key;
    options.base_url = base_url;  // unset: the library's default
    // Every call carries the run's cancel handle: Ctrl-C stops it at once.
    return avala::Client(options).with_cancel(interrupt_cancel());
}


// Every project, item by item (projects have their own handle type in avala.h).
void projects_all(avala_client* client, const abi::ListArgs& args, const abi::ItemSink& each) {
    abi::ListOptions opts(args);
    avala_project_iter* it = nullptr;
    avala_error* err = nullptr;
    abi::check(avala_project_list(&it, client, opts.get(), &err), err);
    abi::Owned<avala_project_iter, avala_project_iter_free> owned(it);
    for (;;) {
        avala_project* p = nullptr;
        if (abi::check(avala_project_iter_next(&p, owned.get(), &err), err) == AVALA_ITER_END) return;
        abi::Owned<avala_project, avala_project_free> project(p);
        each(avala_project_json(project.get()));
    }
}

namespace {

using abi::objects;
using abi::unscoped;

template <std::size_t N, std::size_t M>
consteval std::array<OptionSpec, N + M> concat(const OptionSpec (&a)[N], const OptionSpec (&b)[M]) {
    std::array<OptionSpec, N + M> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = a[i];
    for (std::size_t i = 0; i < M; ++i) out[N + i] = b[i];
    return out;
}

// ---- projects (their own handle type in avala.h; the same generic commands) ----


abi::PageInfo projects_page(avala_client* client, const abi::ListArgs& args, const abi::ItemSink& each) {
    abi::ListOptions opts(args);
    avala_project_page* page = nullptr;
    avala_error* err = nullptr;
    abi::check(avala_project_list_page(&page, client, opts.get(), &err), err);
    abi::Owned<avala_project_page, avala_project_page_free> owned(page);
    for (std::size_t i = 0, n = avala_project_page_count(page); i < n; ++i)
        each(avala_project_json(avala_project_page_item(page, i)));
    abi::PageInfo info;
    info.has_more = avala_project_page_has_more(page) != 0;
    if (const char* next = avala_project_page_next_cursor(page)) info.next_cursor = next;
    return info;
}

std::string project_get(avala_client* client, const char*, const char* uid) {
    avala_project* p = nullptr;
    avala_error* err = nullptr;
    abi::check(avala_project_get(&p, client, uid, &err), err);
    abi::Owned<avala_project, avala_project_free> owned(p);
    return avala_project_json(owned.get());
}

// Evaluation answers one bare array: a page without cursors.
int evaluate_page(avala_page** out, avala_client* client, const char* project, const avala_list_options*,
                  avala_error** err) {
    return avala_quality_target_evaluate(out, client, project, err);
}

// ---- views: how each kind of object is shown ---------------------------------

constexpr Column kProjectColumns[] = {{"UID", "uid"}, {"NAME", "name", 40}, {"STATUS", "status"},
                                      {"UPDATED", "updated_at"}};
constexpr std::string_view kProjectFirst[] = {"uid", "name", "status", "created_at", "updated_at"};
constexpr ObjectView kProjectView{"project", kProjectColumns, kProjectFirst};

constexpr Column kTaskColumns[] = {{"UID", "uid"},         {"NAME", "name", 40}, {"TYPE", "type"},
                                   {"STATUS", "status"},   {"PROJECT", "project"}, {"UPDATED", "updated_at"}};
constexpr std::string_view kTaskFirst[] = {"uid", "name", "type", "status", "project", "created_at", "updated_at"};
constexpr ObjectView kTaskView{"task", kTaskColumns, kTaskFirst};

constexpr Column kExportColumns[] = {{"UID", "uid"}, {"STATUS", "status"}, {"CREATED", "created_at"},
                                     {"UPDATED", "updated_at"}, {"DOWNLOAD_URL", "download_url", 60}};
constexpr std::string_view kExportFirst[] = {"uid", "status", "download_url", "created_at", "updated_at"};
constexpr ObjectView kExportView{"export", kExportColumns, kExportFirst};

// An agent's `secret` signs its callbacks: never shown unless asked for.
constexpr std::string_view kAgentSecrets[] = {"secret"};
constexpr Column kAgentColumns[] = {{"UID", "uid"},         {"NAME", "name", 40},   {"ACTIVE", "is_active"},
                                    {"EVENTS", "events", 50}, {"PROJECT", "project"}, {"UPDATED", "updated_at"}};
constexpr std::string_view kAgentFirst[] = {"uid",     "name",       "description", "is_active",  "events",
                                            "callback_url", "project", "task_types", "created_at", "updated_at"};
constexpr ObjectView kAgentView{"agent", kAgentColumns, kAgentFirst, kAgentSecrets};

constexpr Column kExecutionColumns[] = {{"UID", "uid"},       {"EVENT", "event_type"},   {"STATUS", "status"},
                                        {"ACTION", "action"}, {"TASK", "task"},          {"STARTED", "started_at"},
                                        {"COMPLETED", "completed_at"}};
constexpr std::string_view kExecutionFirst[] = {"uid",    "registration", "event_type", "status",     "action",
                                                "task",   "result",       "error_message", "started_at",
                                                "completed_at"};
constexpr ObjectView kExecutionView{"agent execution", kExecutionColumns, kExecutionFirst};

constexpr ObjectView kTestResultView{"test result", {}, {}};

constexpr Column kQualityTargetColumns[] = {
    {"UID", "uid"},           {"NAME", "name", 40},      {"METRIC", "metric"},
    {"OPERATOR", "operator"}, {"THRESHOLD", "threshold"}, {"SEVERITY", "severity"},
    {"ACTIVE", "is_active"},  {"BREACHED", "is_breached"}, {"LAST_VALUE", "last_value"}};
constexpr std::string_view kQualityTargetFirst[] = {"uid",       "name",     "metric",    "operator",
                                                    "threshold", "severity", "is_active", "is_breached",
                                                    "last_value", "last_evaluated_at"};
constexpr ObjectView kQualityTargetView{"quality target", kQualityTargetColumns, kQualityTargetFirst};

constexpr Column kEvaluationColumns[] = {
    {"UID", "uid"},           {"NAME", "name", 40},       {"METRIC", "metric"},
    {"OPERATOR", "operator"}, {"THRESHOLD", "threshold"}, {"CURRENT", "current_value"},
    {"BREACHED", "is_breached"}, {"SEVERITY", "severity"}};
constexpr ObjectView kEvaluationView{"evaluation", kEvaluationColumns, kQualityTargetFirst};

constexpr Column kDatasetColumns[] = {{"UID", "uid"},       {"NAME", "name", 40},     {"DATA_TYPE", "data_type"},
                                      {"STATUS", "status"}, {"ITEMS", "item_count"}, {"UPDATED", "updated_at"}};
constexpr std::string_view kDatasetFirst[] = {"uid",          "name",        "slug",       "data_type", "status",
                                              "item_count",   "is_sequence", "created_at", "updated_at"};
constexpr ObjectView kDatasetView{"dataset", kDatasetColumns, kDatasetFirst};

// ---- options ------------------------------------------------------------------

constexpr OptionSpec kGlobalOptions[] = {
    {"api-key", 0, "KEY", "API key, or - to read it from stdin (default: $AVALA_API_KEY, else the profile's)"},
    {"api-key-file", 0, "PATH", "read the API key from this file"},
    {"base-url", 0, "URL",
     "API base URL (default: $AVALA_BASE_URL, else the profile's, else https://api.avala.ai/api/v1)"},
    {"profile", 0, "NAME", "the config file's profile to use (default: $AVALA_PROFILE, else \"default\")"},
    {"timeout", 0, "SECONDS", "deadline for each request (default: 30)"},
    {"max-retries", 0, "N", "retries of a failed idempotent request (default: 2)"},
    {"rate-limit", 0, "", "wait for the rate-limit window instead of getting 429s"},
    {"proxy", 0, "URL", "HTTP proxy, http://[user:pass@]host[:port] (default: $https_proxy, $HTTPS_PROXY, $all_proxy; \"\" for none)"},
    {"noproxy", 0, "HOSTS", "hosts to reach directly, as NO_PROXY (default: $no_proxy, $NO_PROXY)"},
    {"ca-file", 0, "PATH", "PEM bundle of CAs to trust instead of the system store (or $SSL_CERT_FILE)"},
    {"ca-dir", 0, "DIR", "a directory of hashed CA certificates to trust (c_rehash)"},
    {"client-cert", 0, "PATH", "PEM client certificate for mutual TLS"},
    {"client-key", 0, "PATH", "its private key (default: in the --client-cert file; passphrase: $AVALA_CLIENT_KEY_PASSWORD)"},
    {"output", 'o', "FORMAT", "table (default), json, or jsonl (one object per line, streamed)"},
    {"help", 'h', "", "show help for avala or a command"},
    {"version", 0, "", "print the library version"},
};

constexpr OptionSpec kListOptions[] = {
    {"limit", 0, "N", "page size (default: the server's)"},
    {"cursor", 0, "CURSOR", "start at this page (a cursor printed by an earlier call)"},
    {"all", 0, "", "follow every page, printing items as they arrive"},
    {"with-cursor", 0, "", "the next cursor on stdout: -o json {\"items\": [...], \"next_cursor\": C}, -o jsonl a last line"},
};
constexpr OptionSpec kShowSecret[] = {
    {"show-secret", 0, "", "print the agent's secret instead of [redacted]"},
};
constexpr OptionSpec kProjectScope[] = {
    {"project", 0, "PROJECT", "the project's uid (required)"},
};

constexpr std::string_view kUid[] = {"UID"};

// ---- tasks --------------------------------------------------------------------

constexpr OptionSpec kTaskFilterOptions[] = {
    {"project", 0, "PROJECT", "only tasks of this project (uid)"},
    {"status", 0, "STATUS", "only tasks with this status"},
};
constexpr auto kTaskListOptions = concat(kTaskFilterOptions, kListOptions);
constexpr Filter kTaskFilters[] = {{"project", "project"}, {"status", "status"}};

constexpr ListCommand kTaskList{objects<unscoped<avala_task_list>, unscoped<avala_task_list_page>>, kTaskView,
                                Parent::none, kTaskFilters};
constexpr GetCommand kTaskGet{abi::get_json<unscoped<avala_task_get>>, kTaskView};

// ---- exports ------------------------------------------------------------------

constexpr ListCommand kExportList{objects<unscoped<avala_export_list>, unscoped<avala_export_list_page>>,
                                  kExportView};
constexpr GetCommand kExportGet{abi::get_json<unscoped<avala_export_get>>, kExportView};

constexpr OptionSpec kExportCreateOptions[] = {
    {"project", 0, "PROJECT", "export this project (uid)"},
    {"dataset", 0, "DATASET", "export this dataset (uid)"},
};

int exports_create(Context& ctx) {
    std::optional<std::string> project = ctx.option("project"), dataset = ctx.option("dataset");
    if (project.has_value() == dataset.has_value())
        throw UsageError("'exports create' needs exactly one of --project and --dataset");
    avala_object* out = nullptr;
    avala_error* err = nullptr;
    abi::check(avala_export_create(&out, ctx.client().get(), project ? project->c_str() : nullptr,
                                   dataset ? dataset->c_str() : nullptr, &err),
               err);
    abi::Object owned(out);
    print_object(ctx, kExportView, abi::json_of(owned.get()));
    return kExitOk;
}

constexpr OptionSpec kExportWaitOptions[] = {
    {"interval", 0, "SECONDS", "between polls (default: 2; at least 0.5)"},
    {"timeout", 0, "SECONDS", "give up after this long (default: 300)"},
};

int exports_wait(Context& ctx) { return run_export_wait(ctx, kExportView); }

// ---- agents -------------------------------------------------------------------

constexpr Field kAgentFields[] = {
    {"name", FieldKind::text, {"name", 0, "NAME", "the agent's name (required to create)"}, true},
    {"events", FieldKind::texts,
     {"event", 0, "EVENT", "an event that triggers it, e.g. task.completed (repeat for more; replaces the list)"}},
    {"description", FieldKind::text, {"description", 0, "TEXT", "what it is for"}},
    {"callback_url", FieldKind::text, {"callback-url", 0, "URL", "where events are POSTed"}},
    {"project", FieldKind::text, {"project", 0, "PROJECT", "only events of this project (uid)"}},
    {"task_types", FieldKind::texts,
     {"task-type", 0, "TYPE", "only tasks of this type (repeat for more; replaces the list)"}},
    {"is_active", FieldKind::set_true, {"active", 0, "", "enable it (the default for a new agent)"}},
    {"is_active", FieldKind::set_false, {"inactive", 0, "", "disable it"}},
};
constexpr auto kAgentWriteOptions = field_options(kAgentFields, kShowSecret);
constexpr auto kAgentListOptions = concat(kListOptions, kShowSecret);

constexpr ListCommand kAgentList{objects<unscoped<avala_agent_list>, unscoped<avala_agent_list_page>>, kAgentView};
constexpr GetCommand kAgentGet{abi::get_json<unscoped<avala_agent_get>>, kAgentView};
constexpr WriteCommand kAgentCreate{unscoped<avala_agent_create>, nullptr, kAgentFields, kAgentView};
constexpr WriteCommand kAgentUpdate{nullptr, unscoped<avala_agent_update>, kAgentFields, kAgentView};
constexpr DeleteCommand kAgentDelete{unscoped<avala_agent_delete>, "agent"};
constexpr ListCommand kAgentExecutions{objects<avala_agent_execution_list, avala_agent_execution_list_page>,
                                       kExecutionView, Parent::argument, {}, "agent"};
constexpr GetCommand kAgentTest{abi::get_json<unscoped<avala_agent_test>>, kTestResultView, Parent::none, "agent"};

// ---- quality targets ------------------------------------------------------------

constexpr Field kQualityTargetFields[] = {
    {"name", FieldKind::text, {"name", 0, "NAME", "the target's name (required to create)"}, true},
    {"metric", FieldKind::text, {"metric", 0, "METRIC", "the metric watched (required to create)"}, true},
    {"threshold", FieldKind::number, {"threshold", 0, "X", "the value compared with (required to create)"}, true},
    {"operator", FieldKind::text, {"operator", 0, "OP", "how the metric is compared with the threshold"}},
    {"severity", FieldKind::text, {"severity", 0, "SEVERITY", "how serious a breach is"}},
    {"is_active", FieldKind::set_true, {"active", 0, "", "evaluate it (the default for a new target)"}},
    {"is_active", FieldKind::set_false, {"inactive", 0, "", "do not evaluate it"}},
    {"notify_webhook", FieldKind::set_true, {"notify-webhook", 0, "", "send breaches to the webhooks (default)"}},
    {"notify_webhook", FieldKind::set_false, {"no-notify-webhook", 0, "", "do not send breaches to the webhooks"}},
    {"notify_emails", FieldKind::texts,
     {"notify-email", 0, "EMAIL", "mail breaches to this address (repeat for more; replaces the list)"}},
};
constexpr auto kQualityTargetWriteOptions = field_options(kQualityTargetFields, kProjectScope);
constexpr auto kQualityTargetListOptions = concat(kProjectScope, kListOptions);

constexpr ListCommand kQualityTargetList{objects<avala_quality_target_list, avala_quality_target_list_page>,
                                         kQualityTargetView, Parent::project_option};
constexpr GetCommand kQualityTargetGet{abi::get_json<avala_quality_target_get>, kQualityTargetView,
                                       Parent::project_option};
constexpr WriteCommand kQualityTargetCreate{avala_quality_target_create, nullptr, kQualityTargetFields,
                                            kQualityTargetView, Parent::project_option};
constexpr WriteCommand kQualityTargetUpdate{nullptr, avala_quality_target_update, kQualityTargetFields,
                                            kQualityTargetView, Parent::project_option};
constexpr DeleteCommand kQualityTargetDelete{avala_quality_target_delete, "quality target", Parent::project_option};
constexpr ListCommand kQualityTargetEvaluate{{nullptr, &abi::list_page<evaluate_page>}, kEvaluationView,
                                             Parent::project_option};

// ---- datasets -------------------------------------------------------------------

constexpr OptionSpec kDatasetFilterOptions[] = {
    {"data-type", 0, "TYPE", "only datasets of this data type (e.g. image, video, lidar)"},
    {"name", 0, "NAME", "only datasets with this name"},
    {"status", 0, "STATUS", "only datasets with this status"},
    {"visibility", 0, "VISIBILITY", "only public or private datasets"},
};
constexpr auto kDatasetListOptions = concat(kDatasetFilterOptions, kListOptions);
constexpr Filter kDatasetFilters[] = {
    {"data-type", "data_type"}, {"name", "name"}, {"status", "status"}, {"visibility", "visibility"}};

constexpr ListCommand kDatasetList{objects<unscoped<avala_dataset_list>, unscoped<avala_dataset_list_page>>,
                                   kDatasetView, Parent::none, kDatasetFilters};
constexpr GetCommand kDatasetGet{abi::get_json<unscoped<avala_dataset_get>>, kDatasetView};

// ---- projects -------------------------------------------------------------------

constexpr ListCommand kProjectList{{projects_all, projects_page}, kProjectView};
constexpr GetCommand kProjectGet{project_get, kProjectView};

// ---- top-level commands -------------------------------------------------------------

constexpr OptionSpec kConfigureOptions[] = {
    {"no-verify", 0, "", "save the key without checking it against the API"},
};

constexpr std::string_view kShell[] = {"SHELL"};
constexpr std::string_view kShells[] = {"bash", "zsh", "fish"};

int print_completion(Context& ctx) {
    ctx.out().write(completion_script(cli_spec(), ctx.argument(0)));
    return kExitOk;
}

constexpr CommandSpec kTopCommands[] = {
    {"configure", "Save an API key (and base URL) in a profile of the config file",
     "Asks for the API key without echoing it when stdin is a terminal; otherwise\n"
     "reads it from stdin (echo $KEY | avala configure). --api-key-file PATH or\n"
     "--api-key - work too. Checks the key with one cheap request (projects, limit\n"
     "1) unless --no-verify, then saves it in the profile (--profile, else\n"
     "$AVALA_PROFILE, else \"default\") of the config file, with --base-url when\n"
     "given. The file is written with mode 0600, its directories 0700; other\n"
     "profiles are kept, comments are not. The key is never printed.",
     {}, kConfigureOptions, run_configure},
    {"status", "Overview: your projects by status, exports in flight",
     "Counts every project by status and every export by status; exports in\n"
     "flight are those \"pending\" or \"processing\". A status the API leaves\n"
     "empty is counted as \"none\". -o json (or jsonl, on one line) prints\n"
     "{\"projects\": {\"total\": N, \"by_status\": {...}},\n"
     " \"exports\": {\"total\": N, \"in_flight\": N, \"by_status\": {...}}}.",
     {}, {}, run_status},
    {"completion", "Print a shell completion script",
     "Generated from the command table. Load it with\n"
     "  source <(avala completion bash)        # in ~/.bashrc\n"
     "  source <(avala completion zsh)         # in ~/.zshrc (after compinit)\n"
     "  avala completion fish > ~/.config/fish/completions/avala.fish",
     kShell, {}, print_completion, kShells},
};

// ---- the tables -------------------------------------------------------------------

#define AVALA_LIST_HELP(what)                                                                    \
    "Prints one page; when there are more, the next page's cursor is printed on\n"               \
    "stderr. With --all, follows every page. -o json prints one JSON array of the\n" what        \
    " exactly as the API returned them; -o jsonl one per line, as each page\n"                    \
    "arrives. With --with-cursor (-o json or jsonl) the cursor goes to stdout\n"                   \
    "instead: -o json prints {\"items\": [...], \"next_cursor\": C, \"has_more\": B},\n"         \
    "-o jsonl ends with the line {\"next_cursor\": C, \"has_more\": B}; C is null\n"            \
    "after the last page."
#define AVALA_GET_HELP                                                                 \
    "Prints the fields as \"key: value\" lines, or with -o json the object exactly as\n" \
    "the API returned it."

constexpr CommandSpec kProjectCommands[] = {
    {"list", "List your projects", AVALA_LIST_HELP("project objects"), {}, kListOptions,
     list_command<kProjectList>},
    {"get", "Show one project", AVALA_GET_HELP, kUid, {}, get_command<kProjectGet>},
};

constexpr CommandSpec kTaskCommands[] = {
    {"list", "List tasks", AVALA_LIST_HELP("task objects") "\nFilters are kept while following pages.", {},
     kTaskListOptions, list_command<kTaskList>},
    {"get", "Show one task", AVALA_GET_HELP, kUid, {}, get_command<kTaskGet>},
};

constexpr CommandSpec kExportCommands[] = {
    {"list", "List exports", AVALA_LIST_HELP("export objects"), {}, kListOptions, list_command<kExportList>},
    {"get", "Show one export", AVALA_GET_HELP, kUid, {}, get_command<kExportGet>},
    {"create", "Start an export of a project or a dataset",
     "Give exactly one of --project and --dataset. Prints the new export (usually\n"
     "\"pending\"); 'avala exports wait UID' waits for it to finish.",
     {}, kExportCreateOptions, exports_create},
    {"wait", "Wait until an export is exported or failed",
     "Polls the export until its status is \"exported\" or \"failed\", then prints it\n"
     "(\"key: value\" lines, or the JSON object with -o json). Progress goes to stderr:\n"
     "on a terminal one line rewritten in place (status and elapsed time), otherwise\n"
     "one line per status change.\n"
     "\n"
     "Exit status: 0 exported; 8 failed (the export is printed, then an error);\n"
     "6 when --timeout passes first (like any timeout); 130 on Ctrl-C (the wait\n"
     "stops at the next poll; a second Ctrl-C ends it at once). After the command's\n"
     "name, --timeout is the wait's; before it (avala --timeout 10 exports wait ...)\n"
     "it is the deadline of each request.",
     kUid, kExportWaitOptions, exports_wait},
};

constexpr CommandSpec kAgentCommands[] = {
    {"list", "List agents", AVALA_LIST_HELP("agent objects") "\nSecrets show as [redacted] unless --show-secret.",
     {}, kAgentListOptions, list_command<kAgentList>},
    {"get", "Show one agent",
     AVALA_GET_HELP "\nThe agent's secret shows as [redacted], in both formats, unless --show-secret.", kUid,
     kShowSecret, get_command<kAgentGet>},
    {"create", "Create an agent",
     "--name is required. Prints the new agent (its secret as [redacted] unless\n--show-secret).", {},
     kAgentWriteOptions, write_command<kAgentCreate>},
    {"update", "Change an agent",
     "Sends only the fields whose options are given (at least one); the others keep\n"
     "their values. --event and --task-type replace the whole list. Prints the agent.",
     kUid, kAgentWriteOptions, write_command<kAgentUpdate>},
    {"delete", "Delete an agent", "Prints \"deleted agent UID\" (nothing with -o json).", kUid, {},
     delete_command<kAgentDelete>},
    {"executions", "List an agent's executions", AVALA_LIST_HELP("execution objects"), kUid, kListOptions,
     list_command<kAgentExecutions>},
    {"test", "Send an agent a test event", "Prints the server's answer, e.g. success: true.", kUid, {},
     get_command<kAgentTest>},
};

constexpr CommandSpec kQualityTargetCommands[] = {
    {"list", "List a project's quality targets", AVALA_LIST_HELP("quality target objects"), {},
     kQualityTargetListOptions, list_command<kQualityTargetList>},
    {"get", "Show one quality target", AVALA_GET_HELP, kUid, kProjectScope, get_command<kQualityTargetGet>},
    {"create", "Create a quality target",
     "--project, --name, --metric and --threshold are required. Prints the new target.", {},
     kQualityTargetWriteOptions, write_command<kQualityTargetCreate>},
    {"update", "Change a quality target",
     "Sends only the fields whose options are given (at least one); the others keep\n"
     "their values. --notify-email replaces the whole list. Prints the target.",
     kUid, kQualityTargetWriteOptions, write_command<kQualityTargetUpdate>},
    {"delete", "Delete a quality target", "Prints \"deleted quality target UID\" (nothing with -o json).", kUid,
     kProjectScope, delete_command<kQualityTargetDelete>},
    {"evaluate", "Evaluate a project's quality targets now",
     "Prints one row per target: its current value and whether it is breached\n"
     "(-o json: the JSON array the API returned).",
     {}, kProjectScope, list_command<kQualityTargetEvaluate>},
};

constexpr CommandSpec kDatasetCommands[] = {
    {"list", "List datasets", AVALA_LIST_HELP("dataset objects") "\nFilters are kept while following pages.", {},
     kDatasetListOptions, list_command<kDatasetList>},
    {"get", "Show one dataset", AVALA_GET_HELP, kUid, {}, get_command<kDatasetGet>},
};

constexpr ResourceSpec kResources[] = {
    {"projects", "Projects you can access", kProjectCommands},
    {"tasks", "Annotation tasks", kTaskCommands},
    {"exports", "Exports of projects and datasets", kExportCommands},
    {"agents", "Agents: callbacks run on project events", kAgentCommands},
    {"quality-targets", "Quality targets of a project", kQualityTargetCommands},
    {"datasets", "Datasets", kDatasetCommands},
};

#undef AVALA_LIST_HELP
#undef AVALA_GET_HELP

}  // namespace

const CliSpec& cli_spec() {
    static const CliSpec spec{kGlobalOptions, kTopCommands, kResources};
    return spec;
}

}  // namespace avala_cli
