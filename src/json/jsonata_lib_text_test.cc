#include "json/jsonata_lib_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sg::json::jsonata::lib {
namespace {

TEST(JsSubstring, CodePointsAndNegativeStarts) {
  EXPECT_EQ(js_substring("hello world", 0, 5), "hello");
  EXPECT_EQ(js_substring("hello world", -5, 5), "world");
  EXPECT_EQ(js_substring("hello world", -5, std::nullopt), "world");
  EXPECT_EQ(js_substring("hello world", -5, 1), "w");
  EXPECT_EQ(js_substring("hello world", -5, -1), "");
  EXPECT_EQ(js_substring("hello world", -100, 3), "hel");
  EXPECT_EQ(js_substring("hello world", 6, std::nullopt), "world");
  EXPECT_EQ(js_substring("hello world", 20, 2), "");
  EXPECT_EQ(js_substring("hello", 1.7, 2.2), "el");
  EXPECT_EQ(js_substring("\U0001F602\U0001F601\U0001F600", -2, 1), "\U0001F601");
  EXPECT_EQ(js_substring("\U0001F602\U0001F601\U0001F600", -3, 1), "\U0001F602");
  EXPECT_EQ(js_substring("\U0001F602\U0001F601\U0001F600", -4, 1), "\U0001F602");
  EXPECT_EQ(js_substring("\U0001F602\U0001F601\U0001F600", -5, 1), "\U0001F602");
}

TEST(JsPad, WidthsAndPadStrings) {
  EXPECT_EQ(js_pad("foo", 5, ""), "foo  ");
  EXPECT_EQ(js_pad("foo", -5, " "), "  foo");
  EXPECT_EQ(js_pad("foo", 1, " "), "foo");
  EXPECT_EQ(js_pad("foo", 8, "-+"), "foo-+-+-");
  EXPECT_EQ(js_pad("\U0001D11E\U0001F4A9", -7, " "), "     \U0001D11E\U0001F4A9");
  EXPECT_EQ(js_pad("a\U0001D11E\U0001F4A9", 7, "\U0001F4A9"),
            "a\U0001D11E\U0001F4A9\U0001F4A9\U0001F4A9\U0001F4A9\U0001F4A9");
  EXPECT_EQ(js_pad("foo", 5.7, " "), "foo  ");
  EXPECT_EQ(js_pad("foo", -5.7, " "), "  foo");
  EXPECT_EQ(js_pad("foo", NAN, " "), "foo");
}

TEST(JsTrim, NormalisesWhitespace) {
  EXPECT_EQ(js_trim("   Hello  \n  \t World  \t "), "Hello World");
  EXPECT_EQ(js_trim(""), "");
  EXPECT_EQ(js_trim(" "), "");
}

TEST(JsCase, UnicodeMapping) {
  EXPECT_EQ(js_uppercase("Hello World"), "HELLO WORLD");
  EXPECT_EQ(js_lowercase("Hello World"), "hello world");
  EXPECT_EQ(js_uppercase("stra\u00dfe"), "STRASSE");
  EXPECT_EQ(js_uppercase("\u00e9t\u00e9 \u03bb"), "\u00c9T\u00c9 \u039b");
  EXPECT_EQ(js_lowercase("\u0414\u0410"), "\u0434\u0430");
}

TEST(Base64, BinaryStrings) {
  EXPECT_EQ(base64_encode_binary("hello:world"), "aGVsbG86d29ybGQ=");
  EXPECT_EQ(base64_decode_binary("aGVsbG86d29ybGQ="), "hello:world");
  EXPECT_EQ(base64_encode_binary(""), "");
  EXPECT_EQ(base64_encode_binary("a"), "YQ==");
  EXPECT_EQ(base64_encode_binary("\u00e9"), "6Q==");  // Latin-1 byte, as Node's 'binary'
  EXPECT_EQ(base64_decode_binary("6Q=="), "\u00e9");
  EXPECT_EQ(base64_decode_binary("aGVs bG8"), "hello");
}

TEST(Uri, EncodeAndDecode) {
  std::string out;
  ASSERT_TRUE(encode_uri("https://mozilla.org/?x=\u0448\u0435\u043b\u043b\u044b", &out));
  EXPECT_EQ(out, "https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B");
  ASSERT_TRUE(encode_uri_component("?x=test", &out));
  EXPECT_EQ(out, "%3Fx%3Dtest");
  EXPECT_FALSE(encode_uri_component("\xed\xa0\x80", &out));  // a lone surrogate
  ASSERT_TRUE(decode_uri("https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B", &out));
  EXPECT_EQ(out, "https://mozilla.org/?x=\u0448\u0435\u043b\u043b\u044b");
  ASSERT_TRUE(decode_uri_component("%3Fx%3Dtest", &out));
  EXPECT_EQ(out, "?x=test");
  ASSERT_TRUE(decode_uri("%3Fx%3Dtest%20", &out));
  EXPECT_EQ(out, "%3Fx%3Dtest ");  // decodeURI keeps reserved characters escaped
  EXPECT_FALSE(decode_uri_component("%E0%A4%A", &out));
  EXPECT_FALSE(decode_uri("%E0%A4%A", &out));
  EXPECT_FALSE(decode_uri_component("%", &out));
  EXPECT_FALSE(decode_uri_component("%C3%28", &out));
}

TEST(Offsets, CodePointsAndUtf16) {
  EXPECT_EQ(codepoint_offset("a\u00e9b", 2), 3u);
  EXPECT_EQ(codepoint_offset("ab", 5), 2u);
  EXPECT_EQ(utf16_index_to_offset("\U0001F600x", 2), 4u);
  EXPECT_EQ(utf16_index_to_offset("\U0001F600x", 1), 0u);
  EXPECT_EQ(to_utf8(to_u32("h\u00e9\U0001F600")), "h\u00e9\U0001F600");
}

}  // namespace
}  // namespace sg::json::jsonata::lib
