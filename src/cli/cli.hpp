// The `spinlab` command line: parses flags, dispatches to a command, maps errors to exit codes.
#pragma once

namespace spinlab::cli {

/// Exit codes: 0 success, 2 bad input (flags, files, sizes), 1 internal error.
int run(int argc, char** argv);

}  // namespace spinlab::cli
