#include "integrations/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <initializer_list>

extern char** environ;

namespace sg::integrations {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kChunk = 64 * 1024;
constexpr int kWithdrawCheckMs = 50;  // how often a withdrawable call looks at its flag

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void reset(int fd) {
    close();
    fd_ = fd;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Blocks SIGPIPE in this thread for its lifetime and discards a SIGPIPE raised meanwhile
// (writes then fail with EPIPE instead of killing the process).
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    was_blocked_ = pthread_sigmask(SIG_BLOCK, &block, &old_) == 0 && sigismember(&old_, SIGPIPE) == 1;
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, SIGPIPE);
        timespec zero{0, 0};
        while (sigtimedwait(&only, nullptr, &zero) == -1 && errno == EINTR) {
        }
      }
    }
    if (!was_blocked_) pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
  bool was_pending_ = false;
  bool was_blocked_ = false;
};

void kill_group(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case it is not (yet) its group's leader
}

void record_status(int status, SubprocessResult& r) {
  if (WIFEXITED(status)) {
    r.exited = true;
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.term_signal = WTERMSIG(status);
  }
}

void reap_blocking(pid_t pid, SubprocessResult& r) {
  int status = 0;
  while (waitpid(pid, &status, 0) == -1) {
    if (errno != EINTR) return;
  }
  record_status(status, r);
}

// Waits for the child after its output streams closed, killing it at the deadline.
void reap(pid_t pid, bool has_deadline, Clock::time_point deadline, SubprocessResult& r) {
  if (!has_deadline) return reap_blocking(pid, r);
  auto pause = std::chrono::microseconds(20);
  while (true) {
    int status = 0;
    pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid) return record_status(status, r);
    if (got == -1 && errno != EINTR) return;
    auto now = Clock::now();
    if (now >= deadline) {
      r.timed_out = true;
      kill_group(pid);
      return reap_blocking(pid, r);
    }
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    auto nap = pause < left ? pause : left;
    timespec ts{static_cast<time_t>(nap.count() / 1000000),
                static_cast<long>((nap.count() % 1000000) * 1000)};
    nanosleep(&ts, nullptr);
    if (pause < std::chrono::milliseconds(10)) pause *= 2;
  }
}

// Reads what is available from fd into out; returns false at EOF or on a hard error.
bool drain(int fd, std::string& out) {
  while (true) {
    size_t old = out.size();
    out.resize(old + kChunk);
    ssize_t n = ::read(fd, out.data() + old, kChunk);
    if (n > 0) {
      out.resize(old + static_cast<size_t>(n));
      if (static_cast<size_t>(n) < kChunk) return true;
      continue;
    }
    out.resize(old);
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// Process groups of the running children, for kill_running_subprocesses(). A fixed array
// of atomics, because a signal handler reads it.
constexpr size_t kMaxTracked = 1024;
std::atomic<pid_t> g_running[kMaxTracked];

class TrackedChild {
 public:
  explicit TrackedChild(pid_t pid) {
    for (size_t i = 0; i < kMaxTracked; ++i) {
      pid_t expected = 0;
      if (g_running[i].compare_exchange_strong(expected, pid)) {
        slot_ = i;
        return;
      }
    }
  }
  ~TrackedChild() {
    if (slot_ < kMaxTracked) g_running[slot_].store(0);
  }
  TrackedChild(const TrackedChild&) = delete;
  TrackedChild& operator=(const TrackedChild&) = delete;

 private:
  size_t slot_ = kMaxTracked;
};

}  // namespace

void kill_running_subprocesses() noexcept {
  for (auto& slot : g_running) {
    pid_t pid = slot.load();
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
}

SubprocessResult run_subprocess(const SubprocessSpec& spec) {
  SubprocessResult r;
  Fd in_r, in_w, out_r, out_w, err_r, err_w;
  if (!make_pipe(in_r, in_w) || !make_pipe(out_r, out_w) || !make_pipe(err_r, err_w)) {
    r.start_error = std::string("cannot create pipes: ") + std::strerror(errno);
    return r;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_w.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_w.get(), STDERR_FILENO);
  if (spec.working_directory) posix_spawn_file_actions_addchdir_np(&actions, spec.working_directory);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  // Signals a caller may ignore (e.g. SIGPIPE in servers) and exec would leave ignored.
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGTSTP,
                  SIGTTIN, SIGTTOU}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, spec.path, &actions, &attr, spec.argv, spec.envp ? spec.envp : environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    r.start_error = std::strerror(rc);
    return r;
  }
  r.started = true;
  TrackedChild tracked(pid);
  in_r.close();
  out_w.close();
  err_w.close();

  const bool has_deadline = spec.timeout_ms > 0;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(has_deadline ? spec.timeout_ms : 0);
  SigpipeGuard sigpipe_guard;
  set_nonblocking(in_w.get());
  set_nonblocking(out_r.get());
  set_nonblocking(err_r.get());
  size_t written = 0;
  if (spec.input.empty()) in_w.close();
  std::string err;

  while (out_r.open() || err_r.open()) {
    pollfd fds[3];
    nfds_t n = 0;
    int in_i = -1, out_i = -1, err_i = -1;
    if (in_w.open()) {
      in_i = static_cast<int>(n);
      fds[n++] = {in_w.get(), POLLOUT, 0};
    }
    if (out_r.open()) {
      out_i = static_cast<int>(n);
      fds[n++] = {out_r.get(), POLLIN, 0};
    }
    if (err_r.open()) {
      err_i = static_cast<int>(n);
      fds[n++] = {err_r.get(), POLLIN, 0};
    }
    int wait_ms = -1;
    if (has_deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        r.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left > 1000000 ? 1000000 : left) + 1;
    }
    if (spec.withdrawn) {
      if (spec.withdrawn->load()) {
        r.withdrawn = true;
        break;
      }
      if (wait_ms < 0 || wait_ms > kWithdrawCheckMs) wait_ms = kWithdrawCheckMs;
    }
    int ready = poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready == 0) continue;  // the deadline check above decides
    if (in_i >= 0 && fds[in_i].revents) {
      if (fds[in_i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
        in_w.close();  // the child closed its stdin: it does not want (the rest of) the input
      } else {
        size_t chunk = spec.input.size() - written < kChunk ? spec.input.size() - written : kChunk;
        ssize_t w = ::write(in_w.get(), spec.input.data() + written, chunk);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == spec.input.size()) in_w.close();
      }
    }
    if (out_i >= 0 && fds[out_i].revents) {
      if (!drain(out_r.get(), r.out)) out_r.close();
      if (r.out.size() > spec.max_output) {
        r.output_too_large = true;
        break;
      }
    }
    if (err_i >= 0 && fds[err_i].revents) {
      if (!drain(err_r.get(), err)) err_r.close();
      if (err.size() > 2 * spec.stderr_tail + kChunk) err.erase(0, err.size() - spec.stderr_tail);
    }
  }
  in_w.close();
  out_r.close();
  err_r.close();
  if (r.timed_out || r.output_too_large || r.withdrawn) {
    kill_group(pid);
    reap_blocking(pid, r);
  } else {
    reap(pid, has_deadline, deadline, r);
  }
  if (r.timed_out) r.out.clear();
  if (err.size() > spec.stderr_tail) err.erase(0, err.size() - spec.stderr_tail);
  r.err_tail = std::move(err);
  return r;
}

}  // namespace sg::integrations
