// avala-bench: the native contenders. Each command measures and prints one
// JSON line; bench/run.py alternates the runs and does every statistic.
//
//   avala-bench info
//   avala-bench paginate raw,core,capi  --url URL --key KEY --limit N --passes P --server-pid PID
//   avala-bench get raw,core,capi       --url URL --key KEY --uid UID --n N --warmup W
//   avala-bench connect-get             --url URL --key KEY --uid UID
//   avala-bench breakdown               --url URL --key KEY --limit N
//
// Every contender opens its connection and warms it with a one-item page
// before any clock starts.
//
// paginate: each contender walks every project, `limit` per page, P times
// on its own connection; they take turns walk by walk (ABC, CBA, ...), and
// each reports the time of every walk and the CPU time the server (PID, the
// emulator) spent during its walks.
// raw follows `next` without decoding items; core and capi decode every item
// and read its uid and name.
// get: the latency of each get of one project on a warm connection. The
// contenders run side by side in one process, alternating in blocks of 50
// calls (ABC, CBA, ...), so a busy moment of the machine hits all of them.
// connect-get: a fresh connection plus one raw get (the floor under the
// cold-start figure). breakdown: a diagnostic, see below.
#include <avala.h>

#include <unistd.h>

#include <boost/version.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "avala/client.hpp"
#include "avala/resources/projects.hpp"
#include "raw_http.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Args {
  std::string contenders;
  std::map<std::string, std::string, std::less<>> flags;

  const std::string& get(std::string_view name) const {
    auto it = flags.find(name);
    if (it == flags.end()) throw std::invalid_argument("missing --" + std::string(name));
    return it->second;
  }
  int number(std::string_view name) const { return std::stoi(get(name)); }
};

Args parse_args(int argc, char** argv, bool has_contenders) {
  Args a;
  int i = 2;
  if (has_contenders) {
    if (argc < 3) throw std::invalid_argument("missing contender (raw, core or capi)");
    a.contenders = argv[i++];
  }
  for (; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (!flag.starts_with("--")) throw std::invalid_argument("expected --flag value, got " + std::string(flag));
    a.flags[std::string(flag.substr(2))] = argv[i + 1];
  }
  if (i != argc) throw std::invalid_argument("a flag without a value");
  return a;
}

// http://host:port/base/path, as the emulator prints it.
struct Url {
  std::string origin, host, port, path;
};

Url parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) throw std::invalid_argument("the benchmark expects an http:// URL");
  auto slash = url.find('/', scheme.size());
  Url u;
  u.origin = url.substr(0, slash);
  u.path = slash == std::string::npos ? "" : url.substr(slash);
  auto authority = u.origin.substr(scheme.size());
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("the URL needs an explicit port");
  u.host = authority.substr(0, colon);
  u.port = authority.substr(colon + 1);
  return u;
}

// ---- the contenders ---------------------------------------------------------

struct Walk {
  long items = -1;  // -1: not decoded (raw)
  long pages = -1;  // -1: not observable (core, capi)
  long chars = -1;  // sum of uid and name lengths: proves the items were read
};

// One contender: a client whose connection is open and warm.
class Contender {
 public:
  virtual ~Contender() = default;
  // Every project, `limit` per page.
  virtual Walk walk(int limit) = 0;
  // One project; returns the number of bytes or characters read, so the
  // call cannot be optimised away.
  virtual std::size_t get(const std::string& uid) = 0;
};

class Raw final : public Contender {
 public:
  explicit Raw(const Args& a) : url_(parse_url(a.get("url"))), http_(url_.host, url_.port, a.get("key")) {
    http_.get(url_.path + "/users/me/projects/?limit=1");
  }
  Walk walk(int limit) override {
    Walk w;
    w.pages = 0;
    for (std::string t = url_.path + "/users/me/projects/?limit=" + std::to_string(limit); !t.empty();) {
      std::string_view body = http_.get(t);
      ++w.pages;
      t = bench::next_target(body, url_.origin);
    }
    return w;
  }
  std::size_t get(const std::string& uid) override {
    return http_.get(url_.path + "/users/me/projects/" + uid + "/").size();
  }

 private:
  Url url_;
  bench::RawHttp http_;
};

avala::ListParams page_of(int limit) {
  avala::ListParams params;
  params.limit = limit;
  return params;
}

avala::Client core_client(const Args& a) {
  avala::ClientOptions o;
  o.api_key = a.get("key");
  o.base_url = a.get("url");
  return avala::Client(std::move(o));
}

class Core final : public Contender {
 public:
  explicit Core(const Args& a) : client_(core_client(a)) { avala::projects::list(client_, page_of(1)); }
  Walk walk(int limit) override {
    Walk w;
    w.items = w.chars = 0;
    auto it = avala::projects::iterate(client_, page_of(limit));
    while (auto p = it.next()) {
      ++w.items;
      w.chars += static_cast<long>(p->uid().size() + p->name().size());
    }
    if (client_.connections_opened() != 1) throw std::runtime_error("the core opened another connection");
    return w;
  }
  std::size_t get(const std::string& uid) override {
    auto p = avala::projects::get(client_, uid);
    return p.uid().size() + p.name().size();
  }

 private:
  avala::Client client_;
};

[[noreturn]] void fail_capi(const char* what, int rc, avala_error* err) {
  std::string msg = std::string(what) + ": " + avala_status_name(rc);
  if (err != nullptr) msg += std::string(" (") + avala_error_message(err) + ")";
  avala_error_free(err);
  throw std::runtime_error(msg);
}

void check_capi(const char* what, int rc, avala_error* err) {
  if (rc != AVALA_OK) fail_capi(what, rc, err);
}

std::size_t uid_name_length(const avala_project* p) {
  return std::string_view(avala_project_uid(p)).size() + std::string_view(avala_project_name(p)).size();
}

class Capi final : public Contender {
 public:
  explicit Capi(const Args& a) {
    avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
    o.api_key = a.get("key").c_str();
    o.base_url = a.get("url").c_str();
    avala_error* err = nullptr;
    check_capi("avala_client_new", avala_client_new(&client_, &o, &err), err);
    avala_list_options opts = AVALA_LIST_OPTIONS_INIT;
    opts.limit = 1;
    avala_project_page* page = nullptr;
    check_capi("avala_project_list_page", avala_project_list_page(&page, client_, &opts, &err), err);
    avala_project_page_free(page);
  }
  ~Capi() override { avala_client_free(client_); }
  Capi(const Capi&) = delete;
  Capi& operator=(const Capi&) = delete;

  Walk walk(int limit) override {
    Walk w;
    w.items = w.chars = 0;
    avala_list_options opts = AVALA_LIST_OPTIONS_INIT;
    opts.limit = limit;
    avala_error* err = nullptr;
    avala_project_iter* it = nullptr;
    check_capi("avala_project_list", avala_project_list(&it, client_, &opts, &err), err);
    avala_project* p = nullptr;
    int rc;
    while ((rc = avala_project_iter_next(&p, it, &err)) == AVALA_OK) {
      ++w.items;
      w.chars += static_cast<long>(uid_name_length(p));
      avala_project_free(p);
    }
    avala_project_iter_free(it);
    if (rc != AVALA_ITER_END) fail_capi("avala_project_iter_next", rc, err);
    return w;
  }
  std::size_t get(const std::string& uid) override {
    avala_project* p = nullptr;
    avala_error* err = nullptr;
    check_capi("avala_project_get", avala_project_get(&p, client_, uid.c_str(), &err), err);
    std::size_t n = uid_name_length(p);
    avala_project_free(p);
    return n;
  }

 private:
  avala_client* client_ = nullptr;
};

std::unique_ptr<Contender> make_contender(std::string_view name, const Args& a) {
  if (name == "raw") return std::make_unique<Raw>(a);
  if (name == "core") return std::make_unique<Core>(a);
  if (name == "capi") return std::make_unique<Capi>(a);
  throw std::invalid_argument("unknown contender " + std::string(name));
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= list.size();) {
    auto comma = std::min(list.find(',', at), list.size());
    out.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

std::vector<std::unique_ptr<Contender>> make_contenders(const std::vector<std::string>& names, const Args& a) {
  std::vector<std::unique_ptr<Contender>> cs;
  for (const auto& name : names) cs.push_back(make_contender(name, a));
  return cs;
}

// Which of n contenders goes k-th in a round: ABC, then CBA, and so on.
std::size_t turn(int round, std::size_t k, std::size_t n) { return round % 2 == 0 ? k : n - 1 - k; }

// ---- commands ---------------------------------------------------------------

// User + system CPU seconds a process has used so far (/proc/PID/stat); the
// emulator's, so its share of each walk can be reported.
double process_cpu_seconds(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) throw std::runtime_error("cannot read /proc/" + pid + "/stat");
  std::istringstream rest(stat.substr(close + 1));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
  if (fields.size() < 13) throw std::runtime_error("unexpected /proc/" + pid + "/stat");
  return (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The contenders walk side by side in one process, alternating walk by walk
// (ABC, CBA, ...), so a slow moment of the machine hits them alike.
void paginate(const Args& a) {
  std::vector<std::string> names = split(a.contenders);
  auto cs = make_contenders(names, a);
  int limit = a.number("limit"), passes = a.number("passes");
  const std::string& server = a.get("server-pid");
  struct Result {
    Walk first;
    std::vector<double> seconds;
    double server_cpu = 0;
  };
  std::vector<Result> results(cs.size());
  for (int pass = 0; pass < passes; ++pass) {
    for (std::size_t k = 0; k < cs.size(); ++k) {
      std::size_t i = turn(pass, k, cs.size());
      Result& r = results[i];
      double cpu0 = process_cpu_seconds(server);
      auto t0 = Clock::now();
      Walk w = cs[i]->walk(limit);
      r.seconds.push_back(seconds_since(t0));
      r.server_cpu += process_cpu_seconds(server) - cpu0;
      if (pass == 0) r.first = w;
      if (w.items != r.first.items || w.pages != r.first.pages || w.chars != r.first.chars) {
        throw std::runtime_error("two walks of " + names[i] + " saw different pages");
      }
    }
  }
  std::printf("{");
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const Result& r = results[i];
    std::printf("%s\"%s\":{\"items\":%ld,\"pages\":%ld,\"chars\":%ld,\"server_cpu\":%.3f,\"seconds\":[",
                i ? "," : "", names[i].c_str(), r.first.items, r.first.pages, r.first.chars, r.server_cpu);
    for (std::size_t j = 0; j < r.seconds.size(); ++j) std::printf("%s%.6f", j ? "," : "", r.seconds[j]);
    std::printf("]}");
  }
  std::printf("}\n");
}

void get_latencies(const Args& a) {
  constexpr int kBlock = 50;
  const std::string& uid = a.get("uid");
  int n = a.number("n"), warmup = a.number("warmup");
  std::vector<std::string> names = split(a.contenders);
  auto cs = make_contenders(names, a);
  std::vector<std::vector<double>> us(cs.size());
  std::size_t sink = 0;
  for (auto& c : cs) {
    for (int i = 0; i < warmup; ++i) sink += c->get(uid);
  }
  for (int block = 0; block * kBlock < n; ++block) {
    for (std::size_t k = 0; k < cs.size(); ++k) {
      std::size_t i = turn(block, k, cs.size());
      for (int j = 0; j < kBlock && block * kBlock + j < n; ++j) {
        auto t0 = Clock::now();
        sink += cs[i]->get(uid);
        us[i].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
    }
  }
  if (sink == 0) throw std::runtime_error("empty responses");
  std::printf("{\"samples_us\":{");
  for (std::size_t i = 0; i < cs.size(); ++i) {
    std::printf("%s\"%s\":[", i ? "," : "", names[i].c_str());
    for (std::size_t j = 0; j < us[i].size(); ++j) std::printf("%s%.2f", j ? "," : "", us[i][j]);
    std::printf("]");
  }
  std::printf("}}\n");
}

// Where a page of the core's iterator goes, in microseconds per page: the
// same pages fetched by the raw loop, by avala::Client::send (the core's
// transport, headers and status handling, no decoding), and decoded from
// memory by decode_page + make_page<Project> (what the iterator adds on top).
void breakdown(const Args& a) {
  Url u = parse_url(a.get("url"));
  bench::RawHttp http(u.host, u.port, a.get("key"));
  std::vector<std::string> targets, bodies;
  for (std::string t = u.path + "/users/me/projects/?limit=" + a.get("limit"); !t.empty();) {
    std::string_view body = http.get(t);
    targets.push_back(t);
    bodies.emplace_back(body);
    t = bench::next_target(body, u.origin);
  }
  avala::Client client = core_client(a);
  client.send("GET", targets.front());  // warm the connection
  std::size_t sink = 0;
  auto per_page = [&](const std::function<void(std::size_t)>& one) {
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < targets.size(); ++i) one(i);
    return seconds_since(t0) * 1e6 / static_cast<double>(targets.size());
  };
  double raw = per_page([&](std::size_t i) { sink += http.get(targets[i]).size(); });
  double send = per_page([&](std::size_t i) { sink += client.send("GET", targets[i]).body.size(); });
  // The iterator decodes the body it was handed (moved in, not copied), so
  // the copies are made before the clock starts.
  std::vector<std::string> handed = bodies;
  double decode = per_page([&](std::size_t i) {
    sink += avala::make_page<avala::Project>(avala::decode_page(std::move(handed[i]))).items.size();
  });
  if (sink == 0) throw std::runtime_error("empty pages");
  std::printf("{\"pages\":%zu,\"raw_fetch_us\":%.2f,\"core_send_us\":%.2f,\"core_decode_us\":%.2f}\n",
              targets.size(), raw, send, decode);
}

void connect_get(const Args& a) {
  Url u = parse_url(a.get("url"));
  auto t0 = Clock::now();
  bench::RawHttp http(u.host, u.port, a.get("key"));
  http.get(u.path + "/users/me/projects/" + a.get("uid") + "/");
  std::printf("{\"seconds\":%.6f}\n", seconds_since(t0));
}

int run(int argc, char** argv) {
  std::string_view cmd = argc > 1 ? argv[1] : "";
  if (cmd == "info") {
    std::printf("{\"compiler\":\"g++ %s\",\"boost\":\"%s\"}\n", __VERSION__, BOOST_LIB_VERSION);
  } else if (cmd == "paginate") {
    paginate(parse_args(argc, argv, true));
  } else if (cmd == "get") {
    get_latencies(parse_args(argc, argv, true));
  } else if (cmd == "breakdown") {
    breakdown(parse_args(argc, argv, false));
  } else if (cmd == "connect-get") {
    connect_get(parse_args(argc, argv, false));
  } else {
    std::fputs("usage: avala-bench info | paginate|get CONTENDERS --flag value... | breakdown|connect-get --flag value...\n",
               stderr);
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "avala-bench: %s\n", e.what());
    return 1;
  }
}
