// HTTP routes of `spinlab lab` on cpp-httplib: the static page from disk, the JSON API of
// lab.hpp, and the Server-Sent-Events frame stream. SIGINT/SIGTERM are taken by a dedicated
// thread (a flag set by the handler), which stops the simulations first (so streams end) and then the server.
#include "web/server.hpp"

#include <httplib.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <csignal>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.hpp"

extern char** environ;

namespace spinlab::web {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int) { g_stop_signal = 1; }

void reply(httplib::Response& res, const ApiResponse& r) {
  res.status = r.status;
  res.set_content(r.body, "application/json");
  res.set_header("Cache-Control", "no-store");
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

void open_in_browser(const std::string& url) {
  pid_t pid = 0;
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  if (posix_spawnp(&pid, "xdg-open", &fa, nullptr, const_cast<char**>(argv), environ) != 0)
    std::fprintf(stderr, "spinlab lab: could not start a browser (xdg-open); open %s yourself\n", url.c_str());
  posix_spawn_file_actions_destroy(&fa);
}

}  // namespace

std::string default_web_dir() { return SPINLAB_WEB_DIR; }

bool is_loopback_host(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

int run_lab_server(const ServerOptions& o) {
  const std::string dir = o.web_dir.empty() ? default_web_dir() : o.web_dir;
  const std::pair<const char*, const char*> files[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/lab.js", "text/javascript; charset=utf-8"},
      {"/lab.css", "text/css; charset=utf-8"}};
  for (const auto& [name, type] : files) {
    std::string text;
    if (!read_file(dir + name, text))
      throw InputError("--web-dir: cannot read " + dir + name + " (the page files of spinlab lab)");
  }
  if (!is_loopback_host(o.host))
    std::fprintf(stderr,
                 "spinlab lab: warning: --host %s serves beyond this machine; anyone who can reach "
                 "it can start simulations on it\n",
                 o.host.c_str());

  // SIGINT/SIGTERM only set a flag (any thread may receive them: libraries such as OpenBLAS start
  // threads before main); a watcher thread polls it and stops the lab, then the server.
  g_stop_signal = 0;
  struct sigaction sa {}, old_int{}, old_term{};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  Lab lab(o.limits);
  httplib::Server svr;
  // Every frame stream holds a worker while open: room for two per simulation plus requests.
  const size_t workers = static_cast<size_t>(2 * o.limits.max_sims + 8);
  svr.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  svr.set_payload_max_length(o.limits.max_body);
  svr.set_keep_alive_timeout(2);
  svr.set_read_timeout(5);
  svr.set_write_timeout(5);
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      const char* what = res.status == 413 ? "request body too large"
                         : res.status == 404 ? "not found"
                                             : "bad request";
      reply(res, api_error(res.status, what));
    }
  });

  for (const auto& [name, type] : files) {
    const std::string path = dir + name, content_type = type;
    auto serve = [path, content_type](const httplib::Request&, httplib::Response& res) {
      std::string text;
      if (!read_file(path, text)) {
        reply(res, api_error(500, "cannot read " + path));
        return;
      }
      res.set_content(text, content_type.c_str());
      res.set_header("Cache-Control", "no-cache");
    };
    svr.Get(name, serve);
    if (std::string(name) == "/index.html") svr.Get("/", serve);
  }
  svr.Get("/api/info", [&](const httplib::Request&, httplib::Response& res) { reply(res, lab.info()); });
  svr.Get("/api/exact", [&](const httplib::Request& req, httplib::Response& res) {
    reply(res, lab.exact(req.has_param("beta") ? req.get_param_value("beta") : ""));
  });
  svr.Post("/api/sim", [&](const httplib::Request& req, httplib::Response& res) { reply(res, lab.create(req.body)); });
  svr.Post(R"(/api/sim/([0-9a-f]{1,32})/command)", [&](const httplib::Request& req, httplib::Response& res) {
    reply(res, lab.command(req.matches[1], req.body));
  });
  svr.Post(R"(/api/sim/([0-9a-f]{1,32})/close)", [&](const httplib::Request& req, httplib::Response& res) {
    reply(res, lab.close(req.matches[1]));
  });
  svr.Delete(R"(/api/sim/([0-9a-f]{1,32}))", [&](const httplib::Request& req, httplib::Response& res) {
    reply(res, lab.close(req.matches[1]));
  });
  svr.Get(R"(/api/sim/([0-9a-f]{1,32})/frames)", [&](const httplib::Request& req, httplib::Response& res) {
    auto sim = lab.find(req.matches[1]);
    if (!sim) return reply(res, api_error(404, "no simulation " + std::string(req.matches[1])));
    if (sim->streams.fetch_add(1) >= 2) {
      sim->streams.fetch_sub(1);
      return reply(res, api_error(409, "this simulation already has two frame streams"));
    }
    res.set_header("Cache-Control", "no-store");
    auto last = std::make_shared<uint64_t>(0);
    res.set_chunked_content_provider(
        "text/event-stream",
        [sim, last, &lab](size_t, httplib::DataSink& sink) {
          if (lab.stopping() || sim->stopped()) return false;
          auto f = sim->wait_frame(*last, std::chrono::milliseconds(1000));
          std::string msg;
          if (f) {
            *last = f->seq;
            msg = "id: " + std::to_string(f->seq) + "\nevent: frame\ndata: " + *f->json + "\n\n";
          } else {
            if (lab.stopping() || sim->stopped()) return false;
            msg = ": keep-alive\n\n";  // detects a closed tab while paused
          }
          return sink.write(msg.data(), msg.size());
        },
        [sim](bool) {
          sim->streams.fetch_sub(1);
          sim->touch();
        });
  });

  // cpp-httplib listens with a backlog of 5 (compiled into Debian's library), so a burst of
  // connections gets resets; Linux lets a second listen() on the socket raise the backlog.
  int listen_fd = -1;
  svr.set_socket_options([&listen_fd](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  int port = o.port;
  if (port == 0) {
    port = svr.bind_to_any_port(o.host);
    if (port < 0) throw InputError("--host " + o.host + ": cannot bind");
  } else if (!svr.bind_to_port(o.host, port)) {
    throw InputError("--port " + std::to_string(port) + ": cannot bind " + o.host + ":" + std::to_string(port) +
                     " (in use? try --port 0 for any free port)");
  }
  if (listen_fd >= 0) ::listen(listen_fd, 512);
  const std::string shown_host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  const std::string url = "http://" + shown_host + ":" + std::to_string(port) + "/";
  std::printf("spinlab lab: serving %s (Ctrl-C stops)\n", url.c_str());
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread signals([&] {
    while (!done.load() && g_stop_signal == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    lab.shutdown();  // streams end first, so the server's workers can be joined
    svr.stop();
  });
  std::thread reaper([&] {
    while (!done.load() && !lab.stopping()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      lab.reap_idle(std::chrono::steady_clock::now());
    }
  });
  if (o.open_browser) open_in_browser(url);
  const bool listened = svr.listen_after_bind();
  done.store(true);
  signals.join();
  reaper.join();
  lab.shutdown();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  std::printf("spinlab lab: stopped\n");
  std::fflush(stdout);
  return listened ? 0 : 1;
}

}  // namespace spinlab::web
