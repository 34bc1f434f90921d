#include "cli/main_command.h"

#include <cstdio>

namespace sg::cli {

int main_command(int, char**) {
  std::fputs("stepguard: subcommands are being built\n", stderr);
  return 1;
}

}  // namespace sg::cli
