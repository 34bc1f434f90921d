#include "cli/config_file.h"

#include <cmath>
#include <filesystem>

#include "common/read_file.h"

namespace sg::cli {

namespace {

constexpr const char* kCode = "INVALID_CONFIG";
constexpr size_t kMaxConfigBytes = 1u << 20;

const char* node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

class Reader {
 public:
  Reader(std::string_view origin, std::string_view base_dir) : origin_(origin), base_dir_(base_dir) {}

  // "FILE:LINE:COLUMN: KEY MESSAGE"
  Error error(const YAML::Node& at, std::string_view message) const {
    std::string m(origin_);
    if (at.IsDefined() && at.Mark().line >= 0) {
      m += ':';
      m += std::to_string(at.Mark().line + 1);
      m += ':';
      m += std::to_string(at.Mark().column + 1);
    }
    m += ": ";
    m.append(message);
    return Error{kCode, std::move(m)};
  }

  Result<std::string> string(const std::string& key, const YAML::Node& v) const {
    if (!v.IsScalar() || v.Scalar().empty())
      return error(v, key + " must be a non-empty string, got " + got(v));
    return v.Scalar();
  }

  Result<std::string> one_of(const std::string& key, const YAML::Node& v,
                             std::initializer_list<std::string_view> allowed) const {
    auto s = string(key, v);
    if (!s) return s;
    for (std::string_view a : allowed)
      if (*s == a) return s;
    std::string list;
    for (std::string_view a : allowed) {
      if (!list.empty()) list += " or ";
      list.append(a);
    }
    return error(v, key + " must be " + list + ", got '" + *s + "'");
  }

  Result<std::string> path(const std::string& key, const YAML::Node& v) const {
    auto s = string(key, v);
    if (!s) return s;
    std::filesystem::path p(*s);
    if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
    return p.lexically_normal().string();
  }

  Result<int64_t> integer(const std::string& key, const YAML::Node& v, int64_t min) const {
    int64_t out = 0;
    bool ok = v.IsScalar() && !v.Scalar().empty() && v.Scalar().size() <= 12;
    if (ok) {
      for (char c : v.Scalar()) ok = ok && c >= '0' && c <= '9';
      if (ok) out = std::stoll(v.Scalar());
    }
    if (!ok || out < min) {
      return error(
          v, key + " must be " + (min > 0 ? "a positive" : "a non-negative") + " integer, got " + got(v));
    }
    return out;
  }

  Result<double> positive_number(const std::string& key, const YAML::Node& v) const {
    double d = 0;
    bool ok = v.IsScalar() && !v.Scalar().empty();
    if (ok) {
      try {
        size_t used = 0;
        d = std::stod(v.Scalar(), &used);
        ok = used == v.Scalar().size() && std::isfinite(d) && d > 0;
      } catch (...) {
        ok = false;
      }
    }
    if (!ok) return error(v, key + " must be a positive number, got " + got(v));
    return d;
  }

  std::string_view origin() const { return origin_; }
  std::string_view base_dir() const { return base_dir_; }

 private:
  static std::string got(const YAML::Node& v) {
    if (v.IsScalar()) return std::string("'").append(v.Scalar()).append("'");
    return node_kind(v);
  }

  std::string_view origin_;
  std::string_view base_dir_;
};

constexpr const char* kKeys =
    "listen, data, account, region, partition, time_scale, log_format, durability, history_retention_days, "
    "metrics_retention_days, "
    "io_threads, task_threads, functions, functions_file, mock_config, connections, topics, alarms, "
    "composite_alarms, alarm_templates, watch, events";

template <class T>
Status take(Result<T> r, std::optional<T>* out) {
  if (!r) return r.error();
  *out = std::move(r).value();
  return Status::Ok();
}

template <class T>
Status take(Result<T> r, T* out) {
  if (!r) return r.error();
  *out = std::move(r).value();
  return Status::Ok();
}

Result<ConfigFile> read_root(const Reader& rd, const YAML::Node& root) {
  ConfigFile c;
  c.path = std::string(rd.origin());
  if (root.IsNull()) return c;  // an empty file configures nothing
  if (!root.IsMap())
    return rd.error(root, std::string("the config file must be a mapping, got ") + node_kind(root));
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node& v = kv.second;
    Status st;
    if (key == "listen") {
      st = take(rd.string(key, v), &c.listen);
    } else if (key == "data") {
      st = take(rd.path(key, v), &c.data);
    } else if (key == "account") {
      st = take(rd.string(key, v), &c.account);
    } else if (key == "region") {
      st = take(rd.string(key, v), &c.region);
    } else if (key == "partition") {
      st = take(rd.string(key, v), &c.partition);
    } else if (key == "time_scale") {
      st = take(rd.positive_number(key, v), &c.time_scale);
    } else if (key == "log_format") {
      st = take(rd.one_of(key, v, {"text", "json"}), &c.log_format);
    } else if (key == "durability") {
      st = take(rd.one_of(key, v, {"full", "normal"}), &c.durability);
    } else if (key == "history_retention_days") {
      st = take(rd.integer(key, v, 0), &c.history_retention_days);
    } else if (key == "metrics_retention_days") {
      st = take(rd.integer(key, v, 1), &c.metrics_retention_days);
    } else if (key == "io_threads" || key == "task_threads") {
      auto n = rd.integer(key, v, 1);
      if (n && *n > 1024) n = rd.error(v, key + " must be at most 1024");
      if (!n) return n.error();
      (key == "io_threads" ? c.io_threads : c.task_threads) = static_cast<int>(*n);
    } else if (key == "functions") {
      auto reg = integrations::FunctionRegistry::from_yaml_node(v, rd.origin(), rd.base_dir());
      if (!reg) return reg.error();
      c.functions = std::move(reg).value();
    } else if (key == "functions_file") {
      st = take(rd.path(key, v), &c.functions_file);
    } else if (key == "mock_config") {
      st = take(rd.path(key, v), &c.mock_config);
    } else if (key == "connections" || key == "topics") {
      if (!v.IsNull() && !v.IsMap())
        return rd.error(v, key + " must be a mapping, got " + std::string(node_kind(v)));
      (key == "connections" ? c.connections : c.topics) = v;
    } else if (key == "alarms" || key == "composite_alarms" || key == "alarm_templates") {
      if (!v.IsNull() && !v.IsSequence())
        return rd.error(v, key + " must be a list, got " + std::string(node_kind(v)));
      (key == "alarms" ? c.alarms : key == "composite_alarms" ? c.composite_alarms : c.alarm_templates) = v;
    } else if (key == "events") {  // the event bus (cli/events_runtime.h parses it)
      if (!v.IsNull() && !v.IsMap())
        return rd.error(v, "events must be a mapping, got " + std::string(node_kind(v)));
      c.events = v;
    } else if (key == "watch") {  // remote Step Functions endpoints (cli/remote_watcher.h parses it)
      if (!v.IsNull() && !v.IsSequence())
        return rd.error(v, "watch must be a list, got " + std::string(node_kind(v)));
      c.watch = v;
    } else {
      return rd.error(
          kv.first,
          std::string("unknown key '").append(key).append("' (expected ").append(kKeys).append(")"));
    }
    if (!st.ok()) return st.error();
  }
  return c;
}

}  // namespace

Result<ConfigFile> parse_config_text(std::string_view text, std::string_view origin,
                                     std::string_view base_dir) {
  Reader rd(origin, base_dir);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return read_root(rd, root);
  } catch (const YAML::Exception& e) {
    std::string m(origin);
    if (e.mark.line >= 0) {
      m += ':';
      m += std::to_string(e.mark.line + 1);
      m += ':';
      m += std::to_string(e.mark.column + 1);
    }
    m += ": invalid YAML: ";
    m += e.msg;
    return Error{kCode, std::move(m)};
  }
}

Result<ConfigFile> read_config_file(const std::string& path) {
  auto text = read_text_file(path, kMaxConfigBytes);
  if (!text) return Error{kCode, std::string("config file: ").append(text.error().message)};
  std::string base = std::filesystem::path(path).parent_path().string();
  return parse_config_text(*text, path, base);
}

}  // namespace sg::cli
