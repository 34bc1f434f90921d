#include "integrations/notification_channels.h"

#include <filesystem>

#include "integrations/connections_yaml_reader.h"

namespace sg::integrations {

namespace {

using config_yaml::error_at;
using config_yaml::node_kind;
using config_yaml::nonempty_scalar;

bool positive_seconds(const YAML::Node& n, int64_t* ms) {
  if (!n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  if (s.empty() || s.size() > 7) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return false;
  *ms = v * 1000;
  return true;
}

Result<Channel> read_channel(const std::string& file, const std::string& at, const YAML::Node& n) {
  if (!n.IsMap()) {
    return error_at(
        file, n,
        at + " must be a mapping with one of webhook, command or file, got " + std::string(node_kind(n)));
  }
  Channel c;
  int kinds = 0;
  for (const auto& kv : n) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key == "webhook" || key == "command" || key == "file") {
      if (++kinds > 1)
        return error_at(file, kv.first, at + " must have only one of webhook, command or file");
      const std::string* v = nonempty_scalar(kv.second);
      if (!v) return error_at(file, kv.second, at + "." + key + " must be a non-empty string");
      c.target = *v;
      c.kind = key == "webhook"   ? Channel::Kind::kWebhook
               : key == "command" ? Channel::Kind::kCommand
                                  : Channel::Kind::kFile;
    }
  }
  if (kinds == 0) return error_at(file, n, at + " must have one of webhook, command or file");
  if (c.kind == Channel::Kind::kWebhook && !c.target.starts_with("http://") &&
      !c.target.starts_with("https://"))
    return error_at(file, n["webhook"], at + ".webhook must be an http:// or https:// URL");
  c.timeout_ms = c.kind == Channel::Kind::kWebhook   ? Channel::kDefaultWebhookTimeoutMs
                 : c.kind == Channel::Kind::kCommand ? Channel::kDefaultCommandTimeoutMs
                                                     : 0;
  if (c.kind == Channel::Kind::kFile) {
    std::filesystem::path p(c.target);
    std::filesystem::path base = std::filesystem::path(file).parent_path();
    if (p.is_relative() && !base.empty()) p = base / p;
    c.target = p.lexically_normal().string();
  }
  const char* expected = c.kind == Channel::Kind::kWebhook   ? "webhook, headers, timeout_seconds"
                         : c.kind == Channel::Kind::kCommand ? "command, timeout_seconds"
                                                             : "file, fsync";
  for (const auto& kv : n) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const YAML::Node& v = kv.second;
    if (key == "webhook" || key == "command" || key == "file") continue;
    if (key == "timeout_seconds" && c.kind != Channel::Kind::kFile) {
      if (!positive_seconds(v, &c.timeout_ms))
        return error_at(file, v, at + ".timeout_seconds must be a positive integer");
    } else if (key == "headers" && c.kind == Channel::Kind::kWebhook) {
      if (!v.IsMap())
        return error_at(file, v, at + ".headers must be a mapping, got " + std::string(node_kind(v)));
      for (const auto& h : v) {
        const std::string* name = nonempty_scalar(h.first);
        if (!name) return error_at(file, h.first, at + ".headers: names must be non-empty strings");
        if (!h.second.IsScalar())
          return error_at(file, h.second, at + ".headers." + *name + " must be a scalar");
        c.headers.emplace_back(*name, h.second.Scalar());
      }
    } else if (key == "fsync" && c.kind == Channel::Kind::kFile) {
      if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false"))
        return error_at(file, v, at + ".fsync must be true or false");
      c.fsync = v.Scalar() == "true";
    } else {
      return error_at(file, kv.first,
                      "unknown key '" + key + "' in " + at + " (a " + std::string(c.kind_name()) +
                          " channel takes " + expected + ")");
    }
  }
  return c;
}

}  // namespace

std::string_view Channel::kind_name() const {
  switch (kind) {
    case Kind::kWebhook:
      return "webhook";
    case Kind::kCommand:
      return "command";
    case Kind::kFile:
      return "file";
  }
  return "?";
}

std::string Channel::describe() const {
  if (kind == Kind::kFile) return target;
  if (kind == Kind::kCommand) return target.substr(0, target.find(' '));
  std::string url = target.substr(0, target.find_first_of("?#"));
  size_t scheme = url.find("://");
  size_t host_end = url.find('/', scheme + 3);
  size_t at = url.rfind('@', host_end == std::string::npos ? url.size() : host_end);
  if (scheme != std::string::npos && at != std::string::npos && at > scheme)
    url = url.substr(0, scheme + 3) + url.substr(at + 1);
  return url;
}

bool is_topic_arn(std::string_view arn) {
  // arn:PARTITION:sns:REGION:ACCOUNT:NAME
  size_t pos[6] = {};
  size_t colons = 0;
  for (size_t i = 0; i < arn.size(); ++i) {
    if (arn[i] == ':') {
      if (++colons > 5) return false;
      pos[colons] = i;
    }
  }
  if (colons != 5 || !arn.starts_with("arn:")) return false;
  if (arn.substr(pos[2] + 1, pos[3] - pos[2] - 1) != "sns") return false;
  return pos[5] + 1 < arn.size();
}

Result<Topics> parse_topics(const YAML::Node& node, const std::string& file) {
  try {
    std::map<std::string, std::vector<Channel>, std::less<>> out;
    if (!node.IsDefined() || node.IsNull()) return Topics(std::move(out));
    if (!node.IsMap())
      return error_at(file, node,
                      "topics must be a mapping of topic ARNs, got " + std::string(node_kind(node)));
    for (const auto& kv : node) {
      const std::string* arn = nonempty_scalar(kv.first);
      if (!arn) return error_at(file, kv.first, "topics: keys must be SNS topic ARNs");
      if (!is_topic_arn(*arn)) {
        return error_at(
            file, kv.first,
            "topics." + *arn + ": not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT:NAME)");
      }
      if (out.count(*arn)) return error_at(file, kv.first, "topic '" + *arn + "' is configured twice");
      const YAML::Node& list = kv.second;
      std::vector<Channel> channels;
      if (!list.IsNull()) {
        if (!list.IsSequence()) {
          return error_at(
              file, list,
              "topics." + *arn + " must be a list of channels, got " + std::string(node_kind(list)));
        }
        for (size_t i = 0; i < list.size(); ++i) {
          std::string at = "topics.";
          at += *arn;
          at += '[';
          at += std::to_string(i);
          at += ']';
          auto c = read_channel(file, at, list[i]);
          if (!c) return c.error();
          channels.push_back(std::move(c).value());
        }
      }
      out.emplace(*arn, std::move(channels));
    }
    return Topics(std::move(out));
  } catch (const YAML::Exception& e) {
    return Error{config_yaml::kConfigError, file + ": topics: " + e.msg};
  }
}

}  // namespace sg::integrations
