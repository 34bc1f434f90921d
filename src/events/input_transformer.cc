#include "events/input_transformer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "json/parse.h"

namespace sg::events {
namespace {

using json::Value;

constexpr int kNone = -1;
constexpr int kRuleArn = -2;
constexpr int kRuleName = -3;
constexpr int kIngestionTime = -4;
constexpr int kEventNoDetail = -5;
constexpr int kEventJson = -6;

struct Reserved {
  std::string_view name;
  int id;
};
constexpr std::array<Reserved, 5> kReserved = {{
    {"aws.events.rule-arn", kRuleArn},
    {"aws.events.rule-name", kRuleName},
    {"aws.events.event.ingestion-time", kIngestionTime},
    {"aws.events.event", kEventNoDetail},
    {"aws.events.event.json", kEventJson},
}};

Error validation(std::string message) { return Error{"ValidationException", std::move(message)}; }

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 256) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool placeholder_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// A JSON-shaped template starts like a JSON value; anything else (e.g. "Instance <i> is
// <s>") is plain text in which every placeholder is spliced raw.
bool json_shaped(std::string_view t) {
  size_t i = t.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return false;
  char c = t[i];
  if (c == '{' || c == '[' || c == '"') return true;
  size_t j = t.find_last_not_of(" \t\r\n");
  return c == '<' && t[j] == '>' && t.substr(i + 1, j - i - 1).find_first_of("<> ") == std::string_view::npos;
}

}  // namespace

Result<InputTransformer> InputTransformer::compile(const Value& paths_map, std::string_view input_template) {
  InputTransformer t;
  if (!paths_map.is_null()) {
    if (!paths_map.is_object()) return validation("InputPathsMap must be a map of names to JSON paths.");
    if (paths_map.size() > kMaxInputPaths) {
      return validation("InputPathsMap has more than 100 entries; the maximum is 100.");
    }
    for (const json::Member& m : paths_map.members()) {
      std::string_view key = m.name();
      if (!valid_key(key)) {
        std::string msg = "InputPathsMap key '";
        msg.append(key).append("' is not valid: keys must match [A-Za-z0-9_-]+.");
        return validation(std::move(msg));
      }
      if (key.size() >= 4 && std::equal(key.begin(), key.begin() + 4, "AWS.")) {
        return validation("InputPathsMap keys cannot start with \"AWS.\"");
      }
      if (!m.value.is_string() || m.value.as_string().size() > kMaxInputPath) {
        std::string msg = "InputPathsMap value for '";
        msg.append(key).append("' must be a JSON path of at most 256 characters.");
        return validation(std::move(msg));
      }
      auto path = json::JsonPath::compile(m.value.as_string());
      if (!path) {
        std::string msg = "Invalid InputPathsMap path for '";
        msg.append(key).append("': ").append(path.error().message);
        return validation(std::move(msg));
      }
      t.vars_.push_back(Var{std::string(key), std::move(path).value()});
    }
  }
  if (input_template.empty() || input_template.size() > kMaxInputTemplate) {
    return validation("InputTemplate must be between 1 and 8192 characters.");
  }

  auto lookup = [&t](std::string_view name) {
    for (const Reserved& r : kReserved) {
      if (r.name == name) return r.id;
    }
    for (size_t i = 0; i < t.vars_.size(); ++i) {
      if (t.vars_[i].name == name) return static_cast<int>(i);
    }
    return kNone;
  };

  bool json = json_shaped(input_template);
  bool in_string = false, escape = false, placeholder_in_string = false;
  Piece piece;
  for (size_t i = 0; i < input_template.size(); ++i) {
    char c = input_template[i];
    if (json && in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
        if (placeholder_in_string) {
          size_t next = input_template.find_first_not_of(" \t\r\n", i + 1);
          if (next != std::string_view::npos && input_template[next] == ':') {
            return validation("InputTemplate is not valid: a placeholder cannot be used as an object key.");
          }
        }
      }
    } else if (json && c == '"') {
      in_string = true;
      placeholder_in_string = false;
    }
    if (c == '<') {
      size_t close = input_template.find('>', i + 1);
      if (close != std::string_view::npos && close > i + 1) {
        std::string_view name = input_template.substr(i + 1, close - i - 1);
        int id = std::all_of(name.begin(), name.end(), placeholder_char) ? lookup(name) : kNone;
        if (id != kNone) {
          bool quoted = !json || in_string;
          if (quoted && (id == kEventNoDetail || id == kEventJson)) {
            std::string msg = "InputTemplate is not valid: <";
            msg.append(name).append("> can only be used as a JSON value, not inside a string.");
            return validation(std::move(msg));
          }
          if (json && in_string) placeholder_in_string = true;
          piece.variable = id;
          piece.in_string = quoted;
          t.pieces_.push_back(std::move(piece));
          piece = Piece{};
          i = close;
          continue;
        }
      }
    }
    piece.literal.push_back(c);
  }
  t.pieces_.push_back(std::move(piece));
  return t;
}

RenderedInput InputTransformer::render(const Value& event, const DeliveryContext& context) const {
  RenderedInput out;
  for (const Piece& piece : pieces_) {
    out.text.append(piece.literal);
    if (piece.variable == kNone) continue;
    std::optional<Value> value;
    switch (piece.variable) {
      case kRuleArn:
        value = Value::string(context.rule_arn);
        break;
      case kRuleName:
        value = Value::string(context.rule_name);
        break;
      case kIngestionTime:
        value = Value::string(context.ingestion_time);
        break;
      case kEventJson:
        value = event;
        break;
      case kEventNoDetail: {
        json::ObjectBuilder b;
        for (const json::Member& m : event.members()) {
          if (m.name() != "detail") b.add(m.key, m.value);
        }
        value = std::move(b).build();
        break;
      }
      default: {
        auto found = vars_[static_cast<size_t>(piece.variable)].path.evaluate(event);
        if (found) value = std::move(found).value();
      }
    }
    if (!piece.in_string) {
      if (value) {
        value->dump_to(out.text);
      } else {
        out.text.append("null");
      }
    } else if (value) {
      if (value->is_string()) {
        out.text.append(value->as_string());
      } else {
        value->dump_to(out.text);
      }
    }
  }
  out.json = json::parse_json(out.text).ok();
  return out;
}

Result<TargetInput> TargetInput::make(const std::optional<std::string>& input,
                                      const std::optional<std::string>& input_path,
                                      const std::optional<InputTransformer>& transformer) {
  int set = (input ? 1 : 0) + (input_path ? 1 : 0) + (transformer ? 1 : 0);
  if (set > 1) {
    return validation("Only one of Input, InputPath, or InputTransformer can be specified for a target.");
  }
  TargetInput t;
  if (input) {
    if (input->size() > kMaxInput) return validation("Input must be at most 8192 characters.");
    if (!json::parse_json(*input)) return validation("Input is not valid JSON text.");
    t.kind_ = Kind::kInput;
    t.input_ = *input;
  } else if (input_path) {
    if (input_path->size() > kMaxInputPath) return validation("InputPath must be at most 256 characters.");
    auto path = json::JsonPath::compile(*input_path);
    if (!path) {
      std::string msg = "InputPath is not valid: ";
      msg.append(path.error().message);
      return validation(std::move(msg));
    }
    t.kind_ = Kind::kInputPath;
    t.path_ = std::move(path).value();
  } else if (transformer) {
    t.kind_ = Kind::kTransformer;
    t.transformer_ = std::make_shared<const InputTransformer>(*transformer);
  }
  return t;
}

RenderedInput TargetInput::render(const Value& event, const DeliveryContext& context) const {
  switch (kind_) {
    case Kind::kInput:
      return RenderedInput{input_, true};
    case Kind::kInputPath: {
      auto found = path_.evaluate(event);
      return RenderedInput{found ? found->dump() : std::string("null"), true};
    }
    case Kind::kTransformer:
      return transformer_->render(event, context);
    case Kind::kEvent:
      break;
  }
  return RenderedInput{event.dump(), true};
}

std::optional<std::string> value_at_path(const Value& event, std::string_view path) {
  auto compiled = json::JsonPath::compile(path);
  if (!compiled) return std::nullopt;
  auto found = compiled->evaluate(event);
  if (!found) return std::nullopt;
  if (found->is_string()) return std::string(found->as_string());
  return found->dump();
}

TargetInput TargetInput::of_stored_target(const json::Value& t) {
  auto input = of_target(t);
  return input ? std::move(input).value() : TargetInput();
}

Result<TargetInput> TargetInput::of_target(const json::Value& t) {
  auto member = [&](std::string_view k) -> std::optional<std::string> {
    const json::Value* v = t.find(k);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  std::optional<InputTransformer> transformer;
  if (const json::Value* it = t.find("InputTransformer"); it && !it->is_null()) {
    const json::Value* tmpl = it->find("InputTemplate");
    if (!tmpl || !tmpl->is_string())
      return Result<TargetInput>::Fail("ValidationException", "InputTransformer requires an InputTemplate.");
    const json::Value* paths = it->find("InputPathsMap");
    auto compiled = InputTransformer::compile(paths ? *paths : json::Value(), tmpl->as_string());
    if (!compiled) return compiled.error();
    transformer = std::move(compiled).value();
  }
  return make(member("Input"), member("InputPath"), transformer);
}

}  // namespace sg::events
