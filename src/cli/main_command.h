// Entry point of the stepguard command line: dispatches to the subcommands.
#pragma once

namespace sg::cli {

// Runs `stepguard ARGS...`; returns the process exit code.
int main_command(int argc, char** argv);

}  // namespace sg::cli
