#include "integrations/notification_channels_notifier.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "common/log.h"
#include "integrations/http_task_client.h"
#include "integrations/lambda_response.h"
#include "integrations/subprocess.h"

namespace sg::integrations {

namespace {

class SystemClock final : public NotifierClock {
 public:
  int64_t now_ms() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  int64_t deadline_ms) override {
    if (deadline_ms == kForever) {
      cv.wait(lock);
      return;
    }
    cv.wait_until(lock, std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_ms)));
  }
};

constexpr size_t kMaxWebhookResponseBytes = 64 * 1024;
constexpr size_t kQuotedMax = 200;

std::string quote(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  if (s.empty()) return "(empty)";
  std::string out(s.substr(0, kQuotedMax));
  if (s.size() > kQuotedMax) out += "...";
  return out;
}

}  // namespace

std::shared_ptr<NotifierClock> system_notifier_clock() {
  static std::shared_ptr<NotifierClock> clock = std::make_shared<SystemClock>();
  return clock;
}

int64_t DeliveryPolicy::delay_before(int attempt) const {
  int retry = attempt - 1;  // 1 for the first retry
  if (retry <= immediate_retries) return 0;
  double d = static_cast<double>(min_delay_ms) * std::pow(backoff_rate, retry - immediate_retries - 1);
  if (!std::isfinite(d) || d > static_cast<double>(max_delay_ms)) return max_delay_ms;
  return static_cast<int64_t>(d);
}

const ChannelStats& NotifierStats::of(Channel::Kind kind) const {
  switch (kind) {
    case Channel::Kind::kWebhook:
      return webhook;
    case Channel::Kind::kCommand:
      return command;
    case Channel::Kind::kFile:
      return file;
  }
  return webhook;
}

Notifier::Notifier(std::shared_ptr<const Topics> topics, NotifierOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : system_notifier_clock()),
      topics_(topics ? std::move(topics) : std::make_shared<const Topics>()) {
  int workers = std::max(1, options_.workers);
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

Notifier::~Notifier() {
  size_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [key, d] : queue_) {
      ++stats_of(d.channel.kind).failed;
      ++dropped;
    }
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  if (dropped) log::warn("notifications dropped at shutdown", {{"deliveries", dropped}});
}

ChannelStats& Notifier::stats_of(Channel::Kind kind) {
  switch (kind) {
    case Channel::Kind::kWebhook:
      return stats_.webhook;
    case Channel::Kind::kCommand:
      return stats_.command;
    case Channel::Kind::kFile:
      return stats_.file;
  }
  return stats_.webhook;
}

bool Notifier::has_topic(std::string_view topic_arn) const {
  std::lock_guard<std::mutex> lock(mu_);
  return topics_->find(topic_arn) != nullptr;
}

void Notifier::set_topics(std::shared_ptr<const Topics> topics) {
  std::lock_guard<std::mutex> lock(mu_);
  topics_ = topics ? std::move(topics) : std::make_shared<const Topics>();
}

NotifierStats Notifier::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Result<std::string> Notifier::publish(std::string_view topic_arn, std::optional<std::string> subject,
                                      std::string message, std::vector<MessageAttribute> attributes) {
  Notification n;
  n.topic_arn = std::string(topic_arn);
  n.subject = std::move(subject);
  n.message = std::move(message);
  n.attributes = std::move(attributes);
  return publish(std::move(n));
}

Result<std::string> Notifier::publish(Notification n) {
  if (n.message_id.empty()) n.message_id = random_request_id();
  if (n.timestamp_ms == 0) n.timestamp_ms = clock_->now_ms();
  std::string id = n.message_id;
  size_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::vector<Channel>* channels = topics_->find(n.topic_arn);
    if (!channels) return Result<std::string>::Fail("NOT_FOUND", "Topic does not exist");
    auto shared = std::make_shared<const Notification>(std::move(n));
    int64_t now = clock_->now_ms();
    for (size_t i = 0; i < channels->size(); ++i) {
      const Channel& c = (*channels)[i];
      if (queue_.size() >= options_.max_pending) {
        ++stats_of(c.kind).failed;
        ++dropped;
        continue;
      }
      Delivery d{shared, c, subscription_arn_for(shared->topic_arn, i, c.target), 1};
      queue_.emplace(std::make_pair(now, sequence_++), std::move(d));
    }
  }
  cv_.notify_all();
  if (dropped) {
    log::error(
        "notification deliveries dropped: queue full",
        {{"topic", std::string_view(id)}, {"deliveries", dropped}, {"max_pending", options_.max_pending}});
  }
  return id;
}

bool Notifier::wait_idle(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return queue_.empty() && in_flight_ == 0; });
}

void Notifier::work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      clock_->wait_until(cv_, lock, NotifierClock::kForever);
      continue;
    }
    auto first = queue_.begin();
    int64_t due = first->first.first;
    if (due > clock_->now_ms()) {
      clock_->wait_until(cv_, lock, due);
      continue;
    }
    Delivery d = std::move(first->second);
    queue_.erase(first);
    ++in_flight_;
    int64_t started = clock_->now_ms();
    lock.unlock();

    Outcome o = deliver(d);

    DeliveryAttempt a;
    a.topic_arn = d.notification->topic_arn;
    a.message_id = d.notification->message_id;
    a.kind = d.channel.kind;
    a.target = d.channel.describe();
    a.attempt = d.attempt;
    a.at_ms = started;
    a.ok = o.ok;
    a.error = o.error;
    const int max_attempts = std::max(1, options_.policy.max_attempts);
    a.final = o.ok || o.permanent || d.attempt >= max_attempts;
    int64_t delay = a.final ? 0 : options_.policy.delay_before(d.attempt + 1);
    if (!o.ok) {
      log::Fields fields = {{"topic", std::string_view(a.topic_arn)},
                            {"message_id", std::string_view(a.message_id)},
                            {"channel", d.channel.kind_name()},
                            {"target", std::string_view(a.target)},
                            {"attempt", a.attempt},
                            {"error", std::string_view(o.error)},
                            {"retry_in_ms", a.final ? int64_t{-1} : delay}};
      if (a.final) {
        log::error("notification delivery failed", fields);
      } else {
        log::warn("notification delivery attempt failed", fields);
      }
    }
    if (options_.on_attempt) options_.on_attempt(a);

    lock.lock();
    --in_flight_;
    ChannelStats& s = stats_of(d.channel.kind);
    if (o.ok) {
      ++s.delivered;
    } else if (a.final) {
      ++s.failed;
    } else {
      ++s.retried;
      ++d.attempt;
      if (!stopping_) queue_.emplace(std::make_pair(clock_->now_ms() + delay, sequence_++), std::move(d));
    }
    idle_cv_.notify_all();
  }
}

Notifier::Outcome Notifier::deliver(const Delivery& d) {
  const Notification& n = *d.notification;
  const Channel& c = d.channel;
  Outcome o;
  switch (c.kind) {
    case Channel::Kind::kWebhook: {
      std::string protocol = c.target.starts_with("https:") ? "https" : "http";
      HttpCall call;
      call.method = "POST";
      call.url = c.target;
      call.body = sns_notification_json(n, d.subscription_arn, protocol);
      call.send_body = true;
      call.timeout_ms = c.timeout_ms;
      call.max_response_bytes = kMaxWebhookResponseBytes;
      call.headers = {{"Content-Type", "text/plain; charset=UTF-8"},
                      {"x-amz-sns-message-type", "Notification"},
                      {"x-amz-sns-message-id", n.message_id},
                      {"x-amz-sns-topic-arn", n.topic_arn},
                      {"x-amz-sns-subscription-arn", d.subscription_arn},
                      {"User-Agent", "Amazon Simple Notification Service Agent"}};
      for (const auto& h : c.headers) {
        for (auto it = call.headers.begin(); it != call.headers.end();)
          it = iequals(it->first, h.first) ? call.headers.erase(it) : it + 1;
        call.headers.push_back(h);
      }
      HttpReply r = send_http(call);
      if (r.kind == HttpReply::Kind::kResponse || r.kind == HttpReply::Kind::kTooLarge) {
        if (r.status >= 200 && r.status < 300) {
          o.ok = true;
          return o;
        }
        o.error = "HTTP " + std::to_string(r.status) + ": " + quote(r.body);
        o.permanent = r.status >= 400 && r.status < 500 && r.status != 408 && r.status != 429;
        return o;
      }
      o.error = r.kind == HttpReply::Kind::kTimeout ? "timed out" : r.error;
      return o;
    }
    case Channel::Kind::kCommand: {
      std::string json = sns_notification_json(n, d.subscription_arn, "default");
      json += '\n';
      std::string cmd = c.target;
      char sh[] = "/bin/sh";
      char dash_c[] = "-c";
      char* argv[] = {sh, dash_c, cmd.data(), nullptr};
      SubprocessSpec spec;
      spec.argv = argv;
      spec.input = json;
      spec.timeout_ms = c.timeout_ms;
      spec.max_output = 64 * 1024;
      SubprocessResult r = run_subprocess(spec);
      if (!r.started) {
        o.error = "could not start: " + r.start_error;
      } else if (r.timed_out) {
        o.error = "timed out after " + std::to_string(c.timeout_ms) + " ms";
      } else if (r.exited && r.exit_code == 0) {
        o.ok = true;
      } else if (r.exited) {
        o.error = "exit status " + std::to_string(r.exit_code) + ": " + quote(r.err_tail);
      } else if (r.output_too_large) {
        o.ok = true;  // it ran; its chatter is not our concern
      } else {
        o.error = "killed by signal " + std::to_string(r.term_signal);
      }
      return o;
    }
    case Channel::Kind::kFile: {
      std::string line = sns_notification_json(n, d.subscription_arn, "default");
      line += '\n';
      // The file's folder is created as needed, like the file itself.
      std::error_code ignored;
      std::filesystem::create_directories(std::filesystem::path(c.target).parent_path(), ignored);
      int fd = ::open(c.target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) {
        o.error = std::string("open: ") + std::strerror(errno);
        return o;
      }
      ssize_t n_written = ::write(fd, line.data(), line.size());
      int write_errno = errno;
      bool synced = !c.fsync || ::fsync(fd) == 0;
      int sync_errno = errno;
      ::close(fd);
      if (n_written != static_cast<ssize_t>(line.size())) {
        o.error = n_written < 0 ? std::string("write: ") + std::strerror(write_errno) : "write: short write";
      } else if (!synced) {
        o.error = std::string("fsync: ") + std::strerror(sync_errno);
      } else {
        o.ok = true;
      }
      return o;
    }
  }
  o.error = "unknown channel kind";
  return o;
}

}  // namespace sg::integrations
