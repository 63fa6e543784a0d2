// spinlab entry point: all work happens in the cli layer.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return spinlab::cli::run(argc, argv); }
