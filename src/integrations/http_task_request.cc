#include "integrations/http_task_request.h"

#include <optional>

#include "integrations/url_encoding.h"
#include "json/parse.h"

namespace sg::integrations {

namespace {

constexpr const char* kRuntime = "States.Runtime";

TaskFailure invalid(std::string cause) { return TaskFailure{kRuntime, std::move(cause)}; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool has_header(const HeaderList& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.first, name)) return true;
  return false;
}

// A header or parameter value as text: scalars, or arrays of scalars joined with commas.
std::optional<std::string> header_text(const json::Value& v) {
  if (v.is_object()) return std::nullopt;
  if (!v.is_array()) return scalar_text(v);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].is_container()) return std::nullopt;
    if (i) out += ',';
    out += scalar_text(v[i]);
  }
  return out;
}

bool is_json_content_type(std::string_view content_type) {
  std::string ct = lower(content_type);
  size_t semi = ct.find(';');
  if (semi != std::string::npos) ct.resize(semi);
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct == "application/json" || ct.ends_with("+json");
}

}  // namespace

bool is_forbidden_http_task_header(std::string_view name) {
  std::string n = lower(name);
  if (n.starts_with("x-amz-") || n.starts_with("x-amzn-") || n.starts_with("x-forwarded-") ||
      n.starts_with("if-"))
    return true;
  static constexpr std::string_view kNames[] = {"a-im",
                                                "accept-charset",
                                                "accept-datetime",
                                                "accept-encoding",
                                                "authorization",
                                                "cache-control",
                                                "connection",
                                                "content-encoding",
                                                "content-length",
                                                "content-md5",
                                                "cookie",
                                                "date",
                                                "expect",
                                                "forwarded",
                                                "from",
                                                "host",
                                                "http2-settings",
                                                "max-forwards",
                                                "origin",
                                                "pragma",
                                                "proxy-authorization",
                                                "range",
                                                "referer",
                                                "te",
                                                "trailer",
                                                "transfer-encoding",
                                                "upgrade",
                                                "via",
                                                "warning"};
  for (std::string_view k : kNames)
    if (n == k) return true;
  return false;
}

std::string_view http_task_connection_arn(const json::Value& parameters) {
  for (const char* holder : {"Authentication", "InvocationConfig"}) {
    const json::Value* h = parameters.find(holder);
    const json::Value* arn = h ? h->find("ConnectionArn") : nullptr;
    if (arn && arn->is_string()) return arn->as_string();
  }
  return {};
}

Result<HttpTaskRequest, TaskFailure> build_http_task_request(const json::Value& p,
                                                             const Connection* connection,
                                                             std::string_view region) {
  if (!p.is_object()) return invalid("The HTTP Task's Parameters must be an object");
  for (const json::Member& m : p.members()) {
    std::string_view k = m.name();
    if (k != "ApiEndpoint" && k != "Method" && k != "Authentication" && k != "InvocationConfig" &&
        k != "Headers" && k != "QueryParameters" && k != "RequestBody" && k != "Transform") {
      return invalid(
          "The HTTP Task has an unknown parameter '" + std::string(k) +
          "' (expected ApiEndpoint, Method, Authentication, Headers, QueryParameters, RequestBody, "
          "Transform)");
    }
  }
  HttpTaskRequest r;
  HttpCall& call = r.call;

  const json::Value* endpoint = p.find("ApiEndpoint");
  if (!endpoint || !endpoint->is_string() || endpoint->as_string().empty())
    return invalid("The HTTP Task needs an ApiEndpoint (a string URL)");
  std::string url(endpoint->as_string());
  std::string scheme = lower(url.substr(0, url.find(':')));
  if ((scheme != "http" && scheme != "https") || url.find("://") == std::string::npos ||
      url.size() <= url.find("://") + 3) {
    return invalid("The HTTP Task's ApiEndpoint must be an https:// (or local http://) URL, got '" + url +
                   "'");
  }
  if (size_t hash = url.find('#'); hash != std::string::npos) url.resize(hash);

  const json::Value* method = p.find("Method");
  if (!method || !method->is_string()) return invalid("The HTTP Task needs a Method (a string)");
  call.method = std::string(method->as_string());
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
  bool known = false;
  for (std::string_view m : kMethods) known = known || call.method == m;
  if (!known) {
    return invalid(
        "The HTTP Task's Method must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD, got '" +
        call.method + "'");
  }

  for (const char* holder : {"Authentication", "InvocationConfig"}) {
    const json::Value* h = p.find(holder);
    if (!h) continue;
    if (!h->is_object()) return invalid(std::string("The HTTP Task's ") + holder + " must be an object");
    for (const json::Member& m : h->members()) {
      if (m.name() != "ConnectionArn")
        return invalid(std::string("The HTTP Task's ") + holder + " has an unknown field '" +
                       std::string(m.name()) + "' (expected ConnectionArn)");
    }
  }
  r.connection_arn = std::string(http_task_connection_arn(p));
  if (r.connection_arn.empty())
    return invalid(
        "The HTTP Task needs Authentication.ConnectionArn (the connection whose credentials it uses)");

  // Transform.
  bool form = false;
  ArrayFormat format = ArrayFormat::kIndices;
  if (const json::Value* t = p.find("Transform")) {
    if (!t->is_object()) return invalid("The HTTP Task's Transform must be an object");
    for (const json::Member& m : t->members()) {
      if (m.name() == "RequestBodyEncoding") {
        std::string_view enc = m.value.is_string() ? m.value.as_string() : std::string_view();
        if (enc == "URL_ENCODED") {
          form = true;
        } else if (enc != "NONE") {
          return invalid("The HTTP Task's Transform.RequestBodyEncoding must be NONE or URL_ENCODED");
        }
      } else if (m.name() == "RequestEncodingOptions") {
        const json::Value* af = m.value.is_object() ? m.value.find("ArrayFormat") : nullptr;
        if (!m.value.is_object() || (m.value.size() > 0 && !af))
          return invalid("The HTTP Task's Transform.RequestEncodingOptions must be {\"ArrayFormat\": ...}");
        if (af) {
          auto f = af->is_string() ? parse_array_format(af->as_string()) : std::nullopt;
          if (!f)
            return invalid(
                "The HTTP Task's Transform.RequestEncodingOptions.ArrayFormat must be INDICES, REPEAT, "
                "COMMAS or "
                "BRACKETS");
          format = *f;
        }
      } else {
        return invalid("The HTTP Task's Transform has an unknown field '" + std::string(m.name()) + "'");
      }
    }
  }

  // Headers: the definition's, then the connection's where the definition has none.
  if (const json::Value* h = p.find("Headers")) {
    if (!h->is_object()) return invalid("The HTTP Task's Headers must be an object");
    for (const json::Member& m : h->members()) {
      if (m.name().empty()) return invalid("The HTTP Task's Headers has an empty header name");
      if (is_forbidden_http_task_header(m.name()))
        return invalid("The HTTP Task may not set the header '" + std::string(m.name()) + "'");
      auto text = header_text(m.value);
      if (!text) return invalid("The HTTP Task's header '" + std::string(m.name()) + "' must be a string");
      call.headers.emplace_back(std::string(m.name()), std::move(*text));
    }
  }
  if (connection) {
    for (const auto& [k, v] : connection->headers)
      if (!has_header(call.headers, k) && !is_forbidden_http_task_header(k)) call.headers.emplace_back(k, v);
  }

  // Query.
  json::Value query = json::Value::empty_object();
  if (const json::Value* q = p.find("QueryParameters")) {
    if (!q->is_object()) return invalid("The HTTP Task's QueryParameters must be an object");
    query = *q;
  }
  if (connection) {
    for (const auto& [k, v] : connection->query_parameters)
      if (!query.find(k)) query = query.with_member(k, json::Value::string(v));
  }
  std::string qs = url_encode_object(query, format);
  if (!qs.empty()) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += qs;
  }
  call.url = std::move(url);

  // Body.
  const json::Value* body = p.find("RequestBody");
  json::Value merged;
  bool has_body = body != nullptr;
  if (body) merged = *body;
  if (connection && !connection->body_parameters.empty()) {
    if (!has_body) {
      merged = json::Value::empty_object();
      has_body = true;
    }
    if (merged.is_object()) {
      for (const auto& [k, v] : connection->body_parameters)
        if (!merged.find(k)) merged = merged.with_member(k, json::Value::string(v));
    } else if (merged.is_string() && form) {
      std::string text(merged.as_string());
      for (const auto& [k, v] : connection->body_parameters) {
        if (!text.empty()) text += '&';
        text += percent_encode(k) + "=" + percent_encode(v);
      }
      merged = json::Value::string(std::move(text));
    }
  }
  if (has_body && call.method != "HEAD") {
    const char* content_type;
    if (merged.is_string()) {
      call.body = std::string(merged.as_string());
      content_type = form ? "application/x-www-form-urlencoded" : "text/plain; charset=UTF-8";
    } else if (form) {
      if (!merged.is_object())
        return invalid("The HTTP Task's RequestBody must be an object (or a string) to be URL_ENCODED");
      call.body = url_encode_object(merged, format);
      content_type = "application/x-www-form-urlencoded";
    } else {
      call.body = merged.dump();
      content_type = "application/json; charset=UTF-8";
    }
    call.send_body = true;
    if (!has_header(call.headers, "Content-Type")) call.headers.emplace_back("Content-Type", content_type);
  }

  for (auto it = call.headers.begin(); it != call.headers.end();) {
    it = iequals(it->first, "User-Agent") ? call.headers.erase(it) : it + 1;
  }
  std::string agent = "Amazon|StepFunctions|HttpInvoke|";
  agent += region;
  call.headers.emplace_back("User-Agent", std::move(agent));
  call.headers.emplace_back("Range", "bytes=0-262144");
  return r;
}

json::Value http_task_result(const HttpReply& reply) {
  // Headers: name -> [values], names grouped without regard to case, first spelling kept.
  std::vector<std::pair<std::string, std::vector<json::Value>>> groups;
  for (const auto& [k, v] : reply.headers) {
    bool found = false;
    for (auto& g : groups) {
      if (iequals(g.first, k)) {
        g.second.push_back(json::Value::string(v));
        found = true;
        break;
      }
    }
    if (!found) groups.push_back({k, {json::Value::string(v)}});
  }
  json::ObjectBuilder headers(groups.size());
  for (auto& [k, values] : groups) headers.add(k, json::Value::array(std::move(values)));

  json::Value body = json::Value::string(reply.body);
  const std::string* ct = reply.header("Content-Type");
  if (ct && is_json_content_type(*ct) && !reply.body.empty()) {
    if (auto parsed = json::parse_json(reply.body)) body = std::move(parsed).value();
  }
  std::string status_text = reply.status_text;
  if (status_text.empty()) status_text = std::string(reason_phrase(reply.status));

  json::ObjectBuilder out(4);
  out.add("Headers", std::move(headers).build());
  out.add("ResponseBody", std::move(body));
  out.add("StatusCode", json::Value::integer(reply.status));
  out.add("StatusText", json::Value::string(status_text));
  return std::move(out).build();
}

}  // namespace sg::integrations
