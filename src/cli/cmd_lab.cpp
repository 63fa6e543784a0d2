// `spinlab lab`: the live web lab (web/server.hpp) — flags into ServerOptions.
#include "cli/common.hpp"
#include "core/error.hpp"
#include "web/server.hpp"

namespace spinlab::cli {

void register_lab(CLI::App& app, Action& run) {
  auto o = std::make_shared<web::ServerOptions>();
  auto no_browser = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("lab", "the live web lab: watch and poke a running Ising model in the browser");
  cmd->add_option("--port", o->port, "TCP port (0: any free port)")->check(CLI::Range(0, 65535));
  cmd->add_option("--host", o->host, "address to bind (default loopback; others print a warning)");
  cmd->add_flag("--no-browser", *no_browser, "do not open a browser");
  cmd->add_option("--max-sims", o->limits.max_sims, "concurrent simulations (one per tab)")->check(CLI::Range(1, 64));
  cmd->add_option("--max-size", o->limits.max_size, "largest lattice side L (64 ... 4096)")->check(CLI::Range(64, 4096));
  cmd->add_option("--idle-timeout", o->limits.idle_timeout_s,
                  "seconds after which a simulation without a page is stopped")->check(CLI::Range(1.0, 86400.0));
  cmd->add_option("--web-dir", o->web_dir, "folder with index.html, lab.js, lab.css (default: the source tree's web/)");
  cmd->callback([&run, o, no_browser] {
    run = [o, no_browser] {
      if (o->host.empty()) throw InputError("--host: empty");
      o->open_browser = !*no_browser;
      return web::run_lab_server(*o);
    };
  });
}

}  // namespace spinlab::cli
