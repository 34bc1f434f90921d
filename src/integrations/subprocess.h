// run_subprocess(): runs one program to completion with its stdin fed from memory and its
// stdout/stderr captured, with a timeout. The mechanics behind command functions.
//
// - The child is started with posix_spawn in a new process group, with an empty signal
//   mask and default signal dispositions; optional working directory.
// - stdin is written while stdout and stderr are read (one poll loop), so payloads of any
//   size cannot deadlock; a child that exits without reading its input is not an error.
// - On timeout, or when stdout passes max_output bytes, the whole process group gets
//   SIGKILL and the child is reaped.
// - SIGPIPE is blocked in the calling thread while writing, so a child closing its stdin
//   never kills the caller.
// - `withdrawn`, when set and it turns true, kills the child too (the caller no longer
//   wants the result: a sibling branch failed, say).
// - Every running child's process group is registered, so kill_running_subprocesses() can
//   stop them all when stepguard itself is interrupted.
// Thread-safe (no shared state); never throws except std::bad_alloc.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace sg::integrations {

struct SubprocessSpec {
  const char* path = "/bin/sh";
  char* const* argv = nullptr;              // null-terminated
  char* const* envp = nullptr;              // null-terminated; null: the caller's environment
  const char* working_directory = nullptr;  // null: inherit
  std::string_view input;
  int64_t timeout_ms = 0;                        // 0: none
  size_t max_output = SIZE_MAX;                  // stdout beyond this kills the child
  size_t stderr_tail = 4096;                     // bytes of stderr kept (the last ones)
  const std::atomic<bool>* withdrawn = nullptr;  // becomes true: kill the child
};

struct SubprocessResult {
  bool started = false;
  std::string start_error;  // when !started: why (strerror text)
  bool timed_out = false;
  bool withdrawn = false;  // killed because `withdrawn` turned true
  bool output_too_large = false;
  bool exited = false;  // exited normally (exit_code valid)
  int exit_code = -1;
  int term_signal = 0;   // when killed by a signal
  std::string out;       // stdout
  std::string err_tail;  // the last stderr_tail bytes of stderr
};

SubprocessResult run_subprocess(const SubprocessSpec& spec);

// SIGKILLs the process group of every child run_subprocess() has running. Async-signal-
// safe: meant for stepguard's own SIGINT/SIGTERM/SIGHUP handler, so that no function
// outlives an interrupted run.
void kill_running_subprocesses() noexcept;

}  // namespace sg::integrations
