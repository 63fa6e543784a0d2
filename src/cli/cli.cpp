// Top-level parser: subcommands, --help everywhere, errors to one line and exit code 2.
#include "cli/cli.hpp"

#include <cstdio>
#include <exception>

#include "cli/common.hpp"
#include "core/error.hpp"

namespace spinlab::cli {

int run(int argc, char** argv) {
  CLI::App app{"spinlab: Ising models, spin glasses and energy-based models, with error bars.\n"
               "Run `spinlab COMMAND --help` for a command's flags; docs/cli.md has the details."};
  app.name("spinlab");
  app.require_subcommand(1);
  app.set_version_flag("--version", "spinlab 0.1.0");
  Action action;
  register_simulate(app, action);
  register_exact(app, action);
  register_demo(app, action);
  register_list(app, action);
  register_bench(app, action);
  register_maxcut(app, action);
  register_glass(app, action);
  register_probe(app, action);
  register_spectroscopy(app, action);
  register_walls(app, action);
  register_infer(app, action);
  register_hysteresis(app, action);
  register_ews(app, action);
  register_ramp(app, action);
  register_detect(app, action);
  register_hopfield(app, action);
  register_dam(app, action);
  register_rbm(app, action);
  register_dbn(app, action);
  register_social(app, action);
  register_lab(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "spinlab: error: %s\n", e.what());
    std::fprintf(stderr, "Run with --help for usage.\n");
    return 2;
  }
  try {
    return action ? action() : 0;
  } catch (const InputError& e) {
    std::fprintf(stderr, "spinlab: error: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "spinlab: error: out of memory; reduce the system size or --sweeps\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spinlab: internal error: %s\n", e.what());
    return 1;
  }
}

}  // namespace spinlab::cli
