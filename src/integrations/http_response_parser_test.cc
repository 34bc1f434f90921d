// Response framing as RFC 9112 defines it: lengths, chunks, interim responses, keep-alive,
// limits, malformed input, responses split anywhere and pipelined back to back.
#include "integrations/http_response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sg::integrations {
namespace {

struct Parsed {
  int status = 0;
  std::string body;
  bool keep_alive = false;
  bool function_error = false;
};

// Parses every complete response in `wire`, feeding it `step` bytes at a time.
std::vector<Parsed> parse_all(std::string_view wire, size_t step, bool eof = false,
                              std::string* error = nullptr) {
  HttpResponseParser p(1 << 20);
  std::vector<Parsed> out;
  std::string pending;
  for (size_t off = 0; off < wire.size(); off += step) {
    pending.append(wire.substr(off, step));
    size_t used = 0;
    while (used < pending.size()) {
      used += p.feed(std::string_view(pending).substr(used));
      if (p.failed()) break;
      if (p.done()) {
        out.push_back({p.status(), p.body(), p.keep_alive(), p.function_error()});
        p.reset();
      }
    }
    pending.erase(0, used);
    if (p.failed()) break;
  }
  if (eof && !p.failed()) {
    p.finish_at_eof();
    if (p.done()) out.push_back({p.status(), p.body(), p.keep_alive(), p.function_error()});
  }
  if (error) *error = p.failed() ? p.error() : "";
  return out;
}

TEST(HttpResponseParser, ContentLengthBodyInOneOrManyPieces) {
  std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}";
  for (size_t step : {wire.size(), size_t{1}, size_t{5}}) {
    auto r = parse_all(wire, step);
    ASSERT_EQ(r.size(), 1u) << step;
    EXPECT_EQ(r[0].status, 200);
    EXPECT_EQ(r[0].body, "{\"a\":1}");
    EXPECT_TRUE(r[0].keep_alive);
  }
}

TEST(HttpResponseParser, PipelinedResponsesStopAtEachEnd) {
  std::string one = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n[1]";
  std::string two = "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}";
  HttpResponseParser p(1024);
  std::string wire = one + two;
  size_t used = p.feed(wire);
  EXPECT_EQ(used, one.size());
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.body(), "[1]");
  p.reset();
  EXPECT_EQ(p.feed(std::string_view(wire).substr(used)), two.size());
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.status(), 404);
  EXPECT_EQ(p.body(), "{}");
}

TEST(HttpResponseParser, ChunkedBodyWithExtensionsAndTrailers) {
  std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4;name=value\r\n{\"ok\r\nB\r\n\":true,\"n\":\r\n2\r\n1}\r\n0\r\nX-Trailer: yes\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  for (size_t step : {wire.size(), size_t{1}, size_t{7}}) {
    auto r = parse_all(wire, step);
    ASSERT_EQ(r.size(), 2u) << step;
    EXPECT_EQ(r[0].body, "{\"ok\":true,\"n\":1}");
    EXPECT_EQ(r[1].body, "");
  }
}

TEST(HttpResponseParser, InterimResponsesAreSkipped) {
  auto r = parse_all("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 3);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 201);
  EXPECT_EQ(r[0].body, "ok");
}

TEST(HttpResponseParser, NoContentHasNoBodyEvenWithALength) {
  auto r = parse_all("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", 100);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status, 204);
  EXPECT_EQ(r[0].body, "");
  EXPECT_EQ(r[1].body, "1");
}

TEST(HttpResponseParser, KeepAliveRules) {
  EXPECT_FALSE(
      parse_all("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 100)[0].keep_alive);
  EXPECT_FALSE(parse_all("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 100)[0].keep_alive);
  EXPECT_TRUE(
      parse_all("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 100)[0].keep_alive);
  EXPECT_TRUE(
      parse_all("HTTP/1.1 200 OK\r\nConnection: upgrade, keep-alive\r\nContent-Length: 0\r\n\r\n", 100)[0]
          .keep_alive);
}

TEST(HttpResponseParser, BodyWithoutLengthRunsToTheClose) {
  std::string error;
  auto r =
      parse_all("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"late\":true}", 4, true, &error);
  ASSERT_EQ(r.size(), 1u) << error;
  EXPECT_EQ(r[0].body, "{\"late\":true}");
  EXPECT_FALSE(r[0].keep_alive);
}

TEST(HttpResponseParser, FunctionErrorHeaderIsReported) {
  auto r =
      parse_all("HTTP/1.1 200 OK\r\nx-amz-function-error: Unhandled\r\nContent-Length: 2\r\n\r\n{}", 100);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].function_error);
}

TEST(HttpResponseParser, ClosingMidResponseFails) {
  std::string error;
  auto r = parse_all("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 100, true, &error);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(error, "the connection closed in the middle of the response");
  HttpResponseParser p(10);
  p.finish_at_eof();
  EXPECT_EQ(p.error(), "the connection closed before a response arrived");
}

TEST(HttpResponseParser, BodiesOverTheLimitStop) {
  HttpResponseParser a(4);
  a.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  EXPECT_TRUE(a.failed());
  EXPECT_TRUE(a.too_large());
  HttpResponseParser b(4);
  b.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n");
  EXPECT_TRUE(b.too_large());
  HttpResponseParser c(4);
  c.feed("HTTP/1.1 200 OK\r\n\r\nabcdef");
  EXPECT_TRUE(c.too_large());
}

TEST(HttpResponseParser, MalformedInputIsAnErrorNotACrash) {
  for (std::string_view wire : {
           "HTTP/2 200 OK\r\n\r\n",
           "HTTP/1.1 2x0 OK\r\n\r\n",
           "SMTP ready\r\n",
           "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
       }) {
    std::string error;
    auto r = parse_all(wire, 3, false, &error);
    EXPECT_TRUE(r.empty()) << wire;
    EXPECT_FALSE(error.empty()) << wire;
  }
  HttpResponseParser p(1 << 20);
  p.feed("HTTP/1.1 200 OK\r\nX-Long: " + std::string(70000, 'a'));
  EXPECT_TRUE(p.failed());
}

}  // namespace
}  // namespace sg::integrations
