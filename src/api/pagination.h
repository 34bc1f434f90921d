// Pagination of the List* actions (reference §6.1): page sizes and opaque nextToken strings.
//
// A token is base64 of a small JSON object holding the listing it belongs to (a hash of
// the listing's name and filters), the sort key of the last item handed out, and when it
// was issued. Resuming "after a sort key" rather than at an offset keeps pages stable when
// items are added or deleted between calls. Tokens are not secret and not signed: a
// forged one can only ask for a page of a listing the caller may read anyway.
// Pure and thread-safe; the caller passes the current time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "api/api_error_or.h"

namespace sg::api {

inline constexpr int64_t kDefaultPageSize = 100;                     // maxResults 0 or absent
inline constexpr int64_t kMaxPageSize = 1000;                        // the model's PageSize maximum
inline constexpr int64_t kPageTokenLifetimeMs = 24LL * 3600 * 1000;  // "expires after 24 hours"

// Items per page for a maxResults the model allowed (0..1000); 0 or absent means 100.
size_t page_size(std::optional<int64_t> max_results);

// The token for the page after the item with sort key `after_key` in `listing` (an
// action name plus whatever filters the listing has, e.g. "ListStateMachineVersions <arn>").
std::string encode_page_token(std::string_view listing, std::string_view after_key, int64_t now_ms);

// The sort key a token resumes after. InvalidToken "Invalid Token: 'Invalid token'" for
// anything that is not such a token, one of another listing, or one older than 24 hours.
ApiOr<std::string> decode_page_token(std::string_view token, std::string_view listing, int64_t now_ms);

struct PageRequest {
  size_t limit = kDefaultPageSize;
  std::optional<std::string> after;  // resume after this sort key; nullopt: first page
};

// page_size() and decode_page_token() together, for a request's maxResults and nextToken.
ApiOr<PageRequest> page_request(std::optional<int64_t> max_results,
                                const std::optional<std::string>& next_token, std::string_view listing,
                                int64_t now_ms);

struct PageSlice {
  size_t begin = 0;
  size_t end = 0;     // one past the last item of the page
  bool more = false;  // items follow the page: answer a nextToken for keys[end - 1]
};

// The page of a listing whose items have the sort keys `keys` (unique, ascending in the
// listing's order as byte strings): the items after `request.after`, at most request.limit.
PageSlice select_page(std::span<const std::string> keys, const PageRequest& request);

}  // namespace sg::api
