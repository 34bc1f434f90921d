// The path and query of an HTTP request target ("/a/b?x=1&y=%20"), for the server's
// GET endpoints. Pure.
//
// path_of(): the target up to '?'. url_decode(): %XX and '+' of a query component (a
// malformed escape is kept as written). query_param(): the decoded value of `name`
// ("" when absent; the first occurrence wins). parse_query(): every decoded pair of a query
// string (without '?'; the last occurrence wins; empty parts skipped).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sg::server {

std::string_view path_of(std::string_view target);
std::string url_decode(std::string_view text);
std::string query_param(std::string_view target, std::string_view name);
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace sg::server
