#include "api/arn.h"

#include <algorithm>
#include <vector>

#include "api/api_error_messages.h"

namespace sg::api {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "<name>" or "<name>/<label>", both non-empty.
bool split_label(std::string_view s, std::string* name, std::string* label) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    *name = std::string(s);
    return !s.empty();
  }
  std::string_view n = s.substr(0, slash), l = s.substr(slash + 1);
  if (n.empty() || l.empty() || l.find('/') != std::string_view::npos) return false;
  *name = std::string(n);
  *label = std::string(l);
  return true;
}

std::string join(const ApiContext& ctx, std::initializer_list<std::string_view> parts) {
  std::string out = ctx.prefix();
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back(':');
    out.append(p);
    first = false;
  }
  return out;
}

}  // namespace

std::string ApiContext::prefix() const {
  std::string out("arn:");
  out.append(partition).append(":states:").append(region).append(":").append(account).append(":");
  return out;
}

std::string state_machine_arn(const ApiContext& ctx, std::string_view name) {
  return join(ctx, {"stateMachine", name});
}

std::string state_machine_version_arn(const ApiContext& ctx, std::string_view name, int64_t version) {
  return join(ctx, {"stateMachine", name, std::to_string(version)});
}

std::string state_machine_alias_arn(const ApiContext& ctx, std::string_view name, std::string_view alias) {
  return join(ctx, {"stateMachine", name, alias});
}

std::string execution_arn(const ApiContext& ctx, std::string_view state_machine_name,
                          std::string_view execution_name) {
  return join(ctx, {"execution", state_machine_name, execution_name});
}

std::string express_execution_arn(const ApiContext& ctx, std::string_view state_machine_name,
                                  std::string_view execution_name, std::string_view uuid) {
  return join(ctx, {"express", state_machine_name, execution_name, uuid});
}

std::string activity_arn(const ApiContext& ctx, std::string_view name) {
  return join(ctx, {"activity", name});
}

std::string_view resource_type_name(ResourceType type) {
  switch (type) {
    case ResourceType::kStateMachine:
      return "stateMachine";
    case ResourceType::kExecution:
      return "execution";
    case ResourceType::kExpress:
      return "express";
    case ResourceType::kActivity:
      return "activity";
    case ResourceType::kMapRun:
      return "mapRun";
  }
  return "";
}

ApiOr<ParsedArn> parse_arn(const ApiContext& ctx, std::string_view arn) {
  std::string prefix = ctx.prefix();
  if (!arn.starts_with(prefix)) return invalid_arn_prefix(arn);
  std::vector<std::string_view> seg = split(arn.substr(prefix.size()), ':');
  std::string_view type = seg[0];
  for (size_t i = 1; i < seg.size(); ++i)
    if (seg[i].empty()) return invalid_arn(arn);

  ParsedArn p;
  p.arn = std::string(arn);
  bool shaped = false;
  if (type == "stateMachine") {
    p.type = ResourceType::kStateMachine;
    if (seg.size() == 2) {
      shaped = split_label(seg[1], &p.name, &p.label);
      p.kind = p.label.empty() ? ArnKind::kStateMachine : ArnKind::kLabelled;
    } else if (seg.size() == 3 && seg[1].find('/') == std::string_view::npos) {
      shaped = true;
      p.name = std::string(seg[1]);
      if (all_digits(seg[2])) {
        p.kind = ArnKind::kVersion;
        // Only canonical numbers name versions; "01" or 20 digits can name none.
        p.version = (seg[2].size() > 12 || (seg[2].size() > 1 && seg[2][0] == '0'))
                        ? -1
                        : std::stoll(std::string(seg[2]));
      } else {
        p.kind = ArnKind::kAlias;
        p.alias = std::string(seg[2]);
      }
    }
  } else if (type == "execution" || type == "express") {
    bool express = type == "express";
    p.type = express ? ResourceType::kExpress : ResourceType::kExecution;
    p.kind = express ? ArnKind::kExpressExecution : ArnKind::kExecution;
    if (seg.size() == (express ? 4u : 3u)) {
      shaped = split_label(seg[1], &p.name, &p.label);
      p.execution_name = std::string(seg[2]);
      if (express) p.express_id = std::string(seg[3]);
    }
  } else if (type == "activity") {
    p.type = ResourceType::kActivity;
    p.kind = ArnKind::kActivity;
    shaped = seg.size() == 2 && seg[1].find('/') == std::string_view::npos;
    if (shaped) p.name = std::string(seg[1]);
  } else if (type == "mapRun") {
    p.type = ResourceType::kMapRun;
    p.kind = ArnKind::kMapRun;
    shaped = seg.size() == 3 && split_label(seg[1], &p.name, &p.label) && !p.label.empty();
    if (shaped) p.map_run_id = std::string(seg[2]);
  } else {
    return invalid_arn_resource_type(type);
  }
  if (!shaped) return invalid_arn(arn);
  if (p.type != ResourceType::kActivity) p.state_machine_arn = state_machine_arn(ctx, p.name);
  return p;
}

ApiOr<ParsedArn> parse_arn_as(const ApiContext& ctx, std::string_view arn,
                              std::initializer_list<ResourceType> allowed) {
  ApiOr<ParsedArn> parsed = parse_arn(ctx, arn);
  if (!parsed.ok()) return parsed;
  if (std::find(allowed.begin(), allowed.end(), parsed->type) == allowed.end())
    return invalid_arn_resource_type(resource_type_name(parsed->type));
  return parsed;
}

}  // namespace sg::api
