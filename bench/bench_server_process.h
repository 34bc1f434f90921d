// ServerProcess: one `stepguard serve` child for bench/server_bench.cc, on a free loopback
// port with a fresh temporary data directory, its stderr in <dir>/server.log.
//
// start() forks and execs (the child dies with this process: PR_SET_PDEATHSIG), then
// polls GET /healthz tightly (a new connection every 100 us) and records the time from
// just before fork() to the first {"status":"ok"}. ready_ms_logged() reads the server's
// own `ready_ms=` from its log line. stop() sends SIGTERM and waits; the destructor kills
// a server still running and removes the directory. rss_kb()/hwm_kb() read VmRSS/VmHWM
// from /proc/PID/status, cpu_seconds() utime+stime from /proc/PID/stat.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_http_client.h"

namespace sgbench {

inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() {
    kill_now();
    if (!dir_.empty() && !keep_dir_) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until /healthz answers (or `timeout_s`). On failure returns
  // false with `*error` set (including the log's tail).
  bool start(const std::string& binary, const std::vector<std::string>& extra_args, std::string* error,
             double timeout_s = 20) {
    if (dir_.empty()) {
      const char* base = std::getenv("TMPDIR");
      std::string tmpl = std::string(base && *base ? base : "/tmp") + "/sg-server-bench-XXXXXX";
      if (!::mkdtemp(tmpl.data())) return fail(error, "mkdtemp failed");
      dir_ = tmpl;
    }
    port_ = free_port();
    std::vector<std::string> args = {
        binary, "serve", "--listen", "127.0.0.1:" + std::to_string(port_), "--data", dir_ + "/data"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = log_path();
    const pid_t parent = ::getpid();
    const int64_t t0 = mono_ns();
    pid_t pid = ::fork();
    if (pid < 0) return fail(error, "fork failed");
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      int in = ::open("/dev/null", O_RDONLY);
      if (out >= 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
      }
      if (in >= 0) ::dup2(in, 0);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pid_ = pid;
    HttpReply reply;
    for (;;) {
      int fd = connect_loopback(port_);
      if (fd >= 0) {
        bool ok = send_all(fd, healthz_request());
        std::string buf;
        char chunk[4096];
        while (ok) {
          long used = parse_response(buf, &reply);
          if (used != 0) {
            ok = used > 0 && reply.status == 200 && reply.body == R"({"status":"ok"})";
            break;
          }
          ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
          if (n <= 0)
            ok = false;
          else
            buf.append(chunk, static_cast<size_t>(n));
        }
        ::close(fd);
        if (ok) break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return fail(error, "the server exited during start-up:\n" + log_tail());
      }
      if (static_cast<double>(mono_ns() - t0) / 1e9 > timeout_s) {
        kill_now();
        return fail(error, "the server did not answer /healthz in time:\n" + log_tail());
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    healthy_ms_ = static_cast<double>(mono_ns() - t0) / 1e6;
    return true;
  }

  // The `ready_ms=` of the server's "serving" log line (waits up to 2 s for it).
  std::optional<double> ready_ms_logged() const {
    for (int i = 0; i < 200; ++i) {
      std::string text = read_log();
      size_t at = text.rfind("ready_ms=");
      if (at == std::string::npos) {
        at = text.rfind("\"ready_ms\":");  // --log-format json
        if (at != std::string::npos) at += 2;
      }
      if (at != std::string::npos) return std::strtod(text.c_str() + at + 9, nullptr);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  // SIGTERM, then waits up to `timeout_s` (then SIGKILL). Returns the exit status (-1 when
  // killed or gone) and the time the shutdown took in `*took_ms`.
  int stop(double timeout_s = 60, double* took_ms = nullptr) {
    if (pid_ <= 0) return -1;
    const int64_t t0 = mono_ns();
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (;;) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (static_cast<double>(mono_ns() - t0) / 1e9 > timeout_s) {
        kill_now();
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    pid_ = -1;
    if (took_ms) *took_ms = static_cast<double>(mono_ns() - t0) / 1e6;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  int64_t rss_kb() const { return status_field("VmRSS:"); }
  int64_t hwm_kb() const { return status_field("VmHWM:"); }
  // Bytes the server has passed to write()/pwrite() so far (/proc/PID/io wchar): with
  // SQLite in WAL mode, mostly WAL frames.
  int64_t written_bytes() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/io");
    std::string line;
    while (std::getline(f, line))
      if (line.compare(0, 6, "wchar:") == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
    return -1;
  }
  double cpu_seconds() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream in(text.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && in >> field; ++i)
      if (i == 14 || i == 15) ticks += std::strtod(field.c_str(), nullptr);
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  double healthy_ms() const { return healthy_ms_; }
  const std::string& dir() const { return dir_; }
  void keep_dir(bool keep) { keep_dir_ = keep; }
  std::string log_path() const { return dir_ + "/server.log"; }
  std::string log_tail(size_t bytes = 2000) const {
    std::string text = read_log();
    return text.size() > bytes ? text.substr(text.size() - bytes) : text;
  }

 private:
  bool fail(std::string* error, std::string why) {
    if (error) *error = std::move(why);
    return false;
  }
  std::string read_log() const {
    std::ifstream f(log_path(), std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  int64_t status_field(std::string_view name) const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(f, line))
      if (line.compare(0, name.size(), name) == 0)
        return std::strtoll(line.c_str() + name.size(), nullptr, 10);
    return -1;
  }

  std::string dir_;
  bool keep_dir_ = false;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  double healthy_ms_ = 0;
};

}  // namespace sgbench
