// `spinlab lab`: the HTTP face (cpp-httplib) over web/lab.hpp, static page files from web/.
#pragma once

#include <string>

#include "web/lab.hpp"

namespace spinlab::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;       // 0: any free port
  bool open_browser = true;
  std::string web_dir;   // index.html, lab.js, lab.css; empty: the source tree's web/
  LabLimits limits;
};

/// The web/ folder of the source tree this binary was built from.
std::string default_web_dir();

/// True for 127.0.0.1, ::1, localhost.
bool is_loopback_host(const std::string& host);

/// Serves until SIGINT or SIGTERM; prints "spinlab lab: serving http://HOST:PORT/" on stdout
/// once listening. Throws InputError when the port cannot be bound or web_dir lacks the page.
int run_lab_server(const ServerOptions& options);

}  // namespace spinlab::web
