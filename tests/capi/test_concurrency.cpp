// One avala_client shared by 8 threads doing 10,000 mixed requests through
// the C ABI, against the emulator fixture (projects and tasks). Every answer
// is checked, not just counted.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "avala.h"

namespace {

constexpr int kThreads = 8;
constexpr int kRequests = 10'000;

struct Shared {
  std::vector<std::string> projects;
  std::vector<std::string> tasks;  // uid
  std::vector<std::string> task_projects;
};

std::string take_message(avala_error* err) {
  std::string m = err ? avala_error_message(err) : "(no error object)";
  avala_error_free(err);
  return m;
}

Shared load(avala_client* c) {
  Shared s;
  avala_project_iter* it = nullptr;
  REQUIRE(avala_project_list(&it, c, nullptr, nullptr) == AVALA_OK);
  avala_project* p = nullptr;
  while (avala_project_iter_next(&p, it, nullptr) == AVALA_OK) {
    s.projects.emplace_back(avala_project_uid(p));
    avala_project_free(p);
  }
  avala_project_iter_free(it);
  avala_list_options o = AVALA_LIST_OPTIONS_INIT;
  o.limit = 100;
  avala_page* page = nullptr;
  REQUIRE(avala_task_list_page(&page, c, &o, nullptr) == AVALA_OK);
  for (size_t i = 0; i < avala_page_count(page); ++i) {
    s.tasks.emplace_back(avala_object_string(avala_page_item(page, i), "uid"));
    s.task_projects.emplace_back(avala_object_string(avala_page_item(page, i), "project"));
  }
  avala_page_free(page);
  return s;
}

// One request of a kind chosen by `op`; returns "" when the answer is right,
// else what was wrong.
std::string one(avala_client* c, const Shared& s, unsigned op, std::mt19937& rng) {
  avala_error* err = nullptr;
  auto pick = [&](const std::vector<std::string>& v) -> std::size_t { return rng() % v.size(); };
  switch (op % 6) {
    case 0: {  // get a project
      const std::string& uid = s.projects[pick(s.projects)];
      avala_project* p = nullptr;
      if (avala_project_get(&p, c, uid.c_str(), &err) != AVALA_OK) return "project get: " + take_message(err);
      bool ok = uid == avala_project_uid(p);
      avala_project_free(p);
      return ok ? "" : "project get returned another project";
    }
    case 1: {  // a page of projects
      avala_list_options o = AVALA_LIST_OPTIONS_INIT;
      o.limit = 1 + static_cast<int32_t>(rng() % 50);
      avala_project_page* page = nullptr;
      if (avala_project_list_page(&page, c, &o, &err) != AVALA_OK) return "project page: " + take_message(err);
      bool ok = avala_project_page_count(page) == static_cast<size_t>(o.limit) &&
                s.projects[0] == avala_project_uid(avala_project_page_item(page, 0));
      avala_project_page_free(page);
      return ok ? "" : "project page has the wrong items";
    }
    case 2: {  // a project's tasks, filtered
      std::size_t i = pick(s.tasks);
      const char* filters[] = {"project", s.task_projects[i].c_str(), nullptr};
      avala_list_options o = AVALA_LIST_OPTIONS_INIT;
      o.limit = 5;
      o.filters = filters;
      avala_page* page = nullptr;
      if (avala_task_list_page(&page, c, &o, &err) != AVALA_OK) return "task page: " + take_message(err);
      bool ok = avala_page_count(page) > 0;
      for (size_t k = 0; k < avala_page_count(page); ++k) {
        const char* proj = avala_object_string(avala_page_item(page, k), "project");
        ok = ok && proj && s.task_projects[i] == proj;
      }
      avala_page_free(page);
      return ok ? "" : "task page holds another project's task";
    }
    case 3: {  // get a task
      std::size_t i = pick(s.tasks);
      avala_object* t = nullptr;
      if (avala_task_get(&t, c, s.tasks[i].c_str(), &err) != AVALA_OK) return "task get: " + take_message(err);
      bool ok = s.tasks[i] == avala_object_string(t, "uid") && avala_object_kind_of(t) == AVALA_OBJECT_TASK;
      avala_object_free(t);
      return ok ? "" : "task get returned another task";
    }
    case 4: {  // an unknown uid: a clean 404
      avala_project* p = nullptr;
      int rc = avala_project_get(&p, c, "00000000-0000-4000-8000-00000000dead", &err);
      bool ok = rc == AVALA_E_NOT_FOUND && p == nullptr && err && avala_error_http_status(err) == 404;
      avala_error_free(err);
      return ok ? "" : "unknown uid did not give a 404";
    }
    default: {  // an iterator over a few pages, abandoned part-way
      avala_list_options o = AVALA_LIST_OPTIONS_INIT;
      o.limit = 3;
      avala_project_iter* it = nullptr;
      if (avala_project_list(&it, c, &o, &err) != AVALA_OK) return "iterator: " + take_message(err);
      std::string out;
      for (int k = 0; k < 7 && out.empty(); ++k) {
        avala_project* p = nullptr;
        if (avala_project_iter_next(&p, it, &err) != AVALA_OK) {
          out = "iterator next: " + take_message(err);
        } else {
          if (s.projects[static_cast<size_t>(k)] != avala_project_uid(p)) out = "iterator out of order";
          avala_project_free(p);
        }
      }
      avala_project_iter_free(it);
      return out;
    }
  }
}

}  // namespace

TEST_CASE("one client shared by 8 threads answers 10,000 mixed requests correctly") {
  avala_client* c = nullptr;
  avala_error* err = nullptr;
  REQUIRE_MESSAGE(avala_client_new(&c, nullptr, &err) == AVALA_OK, take_message(err));
  Shared s = load(c);
  REQUIRE(s.projects.size() >= 50);
  REQUIRE(!s.tasks.empty());

  std::atomic<int> next{0}, failures{0};
  std::vector<std::string> first_failure(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
      for (int i; (i = next.fetch_add(1)) < kRequests;) {
        std::string wrong = one(c, s, static_cast<unsigned>(i), rng);
        if (!wrong.empty() && failures.fetch_add(1) == 0) first_failure[static_cast<size_t>(t)] = wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string why;
  for (const auto& f : first_failure) why += f;
  CHECK_MESSAGE(failures.load() == 0, why);
  CHECK(next.load() >= kRequests);
  avala_client_free(c);
}

TEST_CASE("an iterator's items outlive it and may be freed from any thread, in any order") {
  // A page's items are made in one block: freeing them (here after the
  // iterator, from 4 threads, interleaved) must free each block once and
  // never touch an item that is still held (ASan/TSan builds). The walk
  // stops mid-page, so the last block also holds items never handed out.
  avala_client* c = nullptr;
  avala_error* err = nullptr;
  REQUIRE_MESSAGE(avala_client_new(&c, nullptr, &err) == AVALA_OK, take_message(err));
  avala_list_options o = AVALA_LIST_OPTIONS_INIT;
  o.limit = 30;
  avala_project_iter* it = nullptr;
  REQUIRE(avala_project_list(&it, c, &o, nullptr) == AVALA_OK);
  std::vector<avala_project*> items;
  std::vector<std::string> uids;
  avala_project* p = nullptr;
  while (items.size() < 290 && avala_project_iter_next(&p, it, nullptr) == AVALA_OK) {
    items.push_back(p);
    uids.emplace_back(avala_project_uid(p));
  }
  REQUIRE(items.size() == 290);
  avala_project_iter_free(it);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < items.size(); i += 4) {
        if (uids[i] != avala_project_uid(items[i]) || avala_project_json(items[i]) == nullptr) wrong.fetch_add(1);
        avala_project_free(items[i]);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  avala_client_free(c);
}

TEST_CASE("cancel handles fired at random moments stop calls cleanly; the shared client stays correct") {
  // 4 threads make gets and page walks through derived clients, each with its
  // own cancel handle, while a fifth fires those handles at random moments.
  // Every call ends in a right answer or AVALA_E_CANCELLED, nothing else; the
  // parent client answers correctly afterwards. Under TSan this is the race
  // check of cancellation, derivation and the engine's leader hand-over.
  avala_client* c = nullptr;
  avala_error* err = nullptr;
  REQUIRE_MESSAGE(avala_client_new(&c, nullptr, &err) == AVALA_OK, take_message(err));
  const Shared s = load(c);
  REQUIRE(!s.projects.empty());

  constexpr int kWorkers = 4;
  constexpr int kRounds = 60;
  std::vector<avala_cancel*> cancels(kWorkers);
  for (auto& k : cancels) REQUIRE(avala_cancel_new(&k, nullptr) == AVALA_OK);
  std::atomic<int> done_workers{0}, wrong{0}, cancelled{0}, ok{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w) * 7919u + 1u);
      for (int r = 0; r < kRounds; ++r) {
        avala_cancel_reset(cancels[w]);
        avala_call_options co = AVALA_CALL_OPTIONS_INIT;
        co.cancel = cancels[w];
        avala_client* d = nullptr;
        if (avala_client_derive(&d, c, &co, nullptr) != AVALA_OK) {
          ++wrong;
          continue;
        }
        if (r % 3 == 2) {  // a walk of every project
          avala_project_iter* it = nullptr;
          avala_project* p = nullptr;
          int rc = avala_project_list(&it, d, nullptr, nullptr);
          std::size_t n = 0;
          while (rc == AVALA_OK && (rc = avala_project_iter_next(&p, it, nullptr)) == AVALA_OK) {
            ++n;
            avala_project_free(p);
          }
          avala_project_iter_free(it);
          if (rc == AVALA_ITER_END && n == s.projects.size()) ++ok;
          else if (rc == AVALA_E_CANCELLED) ++cancelled;
          else ++wrong;
        } else {
          const std::string& uid = s.projects[rng() % s.projects.size()];
          avala_project* p = nullptr;
          int rc = avala_project_get(&p, d, uid.c_str(), nullptr);
          if (rc == AVALA_OK && uid == avala_project_uid(p)) ++ok;
          else if (rc == AVALA_E_CANCELLED) ++cancelled;
          else ++wrong;
          avala_project_free(p);
        }
        avala_client_free(d);
      }
      ++done_workers;
    });
  }
  std::thread firer([&] {
    std::mt19937 rng(4242);
    while (done_workers.load() < kWorkers) {
      avala_cancel_fire(cancels[rng() % kWorkers]);
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 500));
    }
  });
  for (auto& t : threads) t.join();
  firer.join();
  for (auto* k : cancels) avala_cancel_free(k);
  CHECK(wrong.load() == 0);
  CHECK(ok.load() + cancelled.load() == kWorkers * kRounds);
  CHECK(cancelled.load() > 0);  // fires landed, mid-call or just before one
  // The parent client (never cancelled) still answers, and correctly.
  avala_project* p = nullptr;
  REQUIRE(avala_project_get(&p, c, s.projects[0].c_str(), nullptr) == AVALA_OK);
  CHECK(s.projects[0] == avala_project_uid(p));
  avala_project_free(p);
  avala_client_free(c);
}

TEST_CASE("asynchronous calls from several threads, cancelled at random, mixed with blocking ones") {
  // Two threads keep async gets in flight on one queue each, with random
  // cancels fired from a third; two more make blocking gets on the same
  // client (so the engine is led now by a caller, now by its runner). Every
  // completion is a right answer or AVALA_E_CANCELLED and comes exactly once.
  // Under TSan this is the race check of the runner, the queue and the
  // asynchronous cancel watch.
  avala_client* c = nullptr;
  avala_error* err = nullptr;
  REQUIRE_MESSAGE(avala_client_new(&c, nullptr, &err) == AVALA_OK, take_message(err));
  const Shared s = load(c);
  REQUIRE(!s.projects.empty());

  constexpr int kAsyncWorkers = 2, kInFlight = 16, kCalls = 200, kBlocking = 2;
  std::vector<avala_cancel*> cancels(kAsyncWorkers * kInFlight);
  for (auto& k : cancels) REQUIRE(avala_cancel_new(&k, nullptr) == AVALA_OK);
  std::atomic<int> wrong{0}, cancelled{0}, ok{0}, workers_done{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kAsyncWorkers; ++w) {
    threads.emplace_back([&, w] {
      avala_queue* q = nullptr;
      if (avala_queue_new(&q, nullptr) != AVALA_OK) {
        ++wrong;
        return;
      }
      std::mt19937 rng(static_cast<unsigned>(w) + 17u);
      std::vector<avala_client*> slot(kInFlight, nullptr);
      std::vector<std::string> want(kInFlight);
      std::vector<int> completions(kInFlight, 0);
      auto start = [&](int i) {
        avala_cancel* k = cancels[static_cast<std::size_t>(w * kInFlight + i)];
        avala_cancel_reset(k);
        avala_call_options co = AVALA_CALL_OPTIONS_INIT;
        co.queue = q;
        co.tag = static_cast<uint64_t>(i);
        co.cancel = k;
        want[i] = s.projects[rng() % s.projects.size()];
        avala_project* p = nullptr;
        if (avala_client_derive(&slot[i], c, &co, nullptr) != AVALA_OK ||
            avala_project_get(&p, slot[i], want[i].c_str(), nullptr) != AVALA_PENDING) {
          ++wrong;
        }
      };
      int started = 0, finished = 0;
      for (; started < kInFlight; ++started) start(started);
      while (finished < kCalls) {
        avala_completion batch[8];
        std::size_t n = avala_queue_poll(q, batch, 8, 30000);
        if (n == 0) {
          ++wrong;  // a call never completed
          break;
        }
        for (std::size_t j = 0; j < n; ++j, ++finished) {
          int i = static_cast<int>(batch[j].tag);
          if (batch[j].status == AVALA_OK && want[i] == avala_project_uid(static_cast<avala_project*>(batch[j].result))) {
            ++ok;
          } else if (batch[j].status == AVALA_E_CANCELLED) {
            ++cancelled;
          } else {
            ++wrong;
          }
          avala_project_free(static_cast<avala_project*>(batch[j].result));
          avala_error_free(batch[j].error);
          avala_client_free(slot[i]);
          slot[i] = nullptr;
          if (started < kCalls) {
            start(i);
            ++started;
          }
        }
      }
      if (avala_queue_pending(q) != 0) ++wrong;
      avala_queue_free(q);
      ++workers_done;
    });
  }
  for (int b = 0; b < kBlocking; ++b) {
    threads.emplace_back([&, b] {
      std::mt19937 rng(static_cast<unsigned>(b) + 99u);
      while (workers_done.load() < kAsyncWorkers) {
        const std::string& uid = s.projects[rng() % s.projects.size()];
        avala_project* p = nullptr;
        if (avala_project_get(&p, c, uid.c_str(), nullptr) != AVALA_OK || uid != avala_project_uid(p)) ++wrong;
        avala_project_free(p);
      }
    });
  }
  std::thread firer([&] {
    std::mt19937 rng(777);
    while (workers_done.load() < kAsyncWorkers) {
      avala_cancel_fire(cancels[rng() % cancels.size()]);
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 700));
    }
  });
  for (auto& t : threads) t.join();
  firer.join();
  CHECK(wrong.load() == 0);
  CHECK(ok.load() + cancelled.load() == kAsyncWorkers * kCalls);
  CHECK(ok.load() > 0);
  for (auto* k : cancels) avala_cancel_free(k);
  avala_client_free(c);
}
