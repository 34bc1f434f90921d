// stepguard: the single binary. All wiring lives in cli/; this only hands over argv.
#include "cli/main_command.h"

int main(int argc, char** argv) { return sg::cli::main_command(argc, argv); }
