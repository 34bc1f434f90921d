#include "json/jsonpath.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <map>
#include <new>

#include "json/parse.h"

// Counts heap allocations so a test can check the definite fast path makes none. (GCC
// cannot see that these replacements pair malloc with free.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
static std::atomic<size_t> g_allocations{0};
void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace sg::json {
namespace {

Value P(std::string_view s) {
  auto r = parse_json(s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Value();
}

JsonPath C(std::string_view path) {
  auto r = JsonPath::compile(path);
  EXPECT_TRUE(r.ok()) << path << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : JsonPath();
}

// Evaluates and returns the compact JSON, or "ERROR <code>: <message>".
std::string Eval(std::string_view path, const Value& doc) {
  auto p = JsonPath::compile(path);
  if (!p) return "COMPILE " + p.error().code + ": " + p.error().message;
  auto r = p->evaluate(doc);
  if (!r) return "ERROR " + r.error().code + ": " + r.error().message;
  return r->dump();
}

Error CompileError(std::string_view path) {
  auto p = JsonPath::compile(path);
  EXPECT_FALSE(p.ok()) << path << " compiled";
  return p.ok() ? Error{} : p.error();
}

// The document of the Jayway JsonPath README.
const Value& Store() {
  static const Value v = P(R"({
    "store": {
      "book": [
        {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
        {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
        {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3",
         "price": 8.99},
        {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings",
         "isbn": "0-395-19395-8", "price": 22.99}
      ],
      "bicycle": {"color": "red", "price": 19.95}
    },
    "expensive": 10
  })");
  return v;
}

std::string Book(int i) {
  return Store().find("store")->find("book")->items()[static_cast<size_t>(i)].dump();
}
std::string Books(std::initializer_list<int> is) {
  std::string out = "[";
  for (int i : is) {
    if (out.size() > 1) out += ',';
    out += Book(i);
  }
  out += ']';
  return out;
}

// ---- The Jayway README examples ------------------------------------------------------------

TEST(JsonPathJayway, ReadmeExamples) {
  const Value& s = Store();
  const std::string authors = R"(["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"])";
  EXPECT_EQ(Eval("$.store.book[*].author", s), authors);
  EXPECT_EQ(Eval("$..author", s), authors);
  std::string store_children = "[";
  store_children += s.find("store")->find("book")->dump();
  store_children += R"(,{"color":"red","price":19.95}])";
  EXPECT_EQ(Eval("$.store.*", s), store_children);
  EXPECT_EQ(Eval("$.store..price", s), "[8.95,12.99,8.99,22.99,19.95]");
  EXPECT_EQ(Eval("$..book[2]", s), Books({2}));
  EXPECT_EQ(Eval("$..book[-2]", s), Books({2}));
  EXPECT_EQ(Eval("$..book[0,1]", s), Books({0, 1}));
  EXPECT_EQ(Eval("$..book[:2]", s), Books({0, 1}));
  EXPECT_EQ(Eval("$..book[1:2]", s), Books({1}));
  EXPECT_EQ(Eval("$..book[-2:]", s), Books({2, 3}));
  EXPECT_EQ(Eval("$..book[2:]", s), Books({2, 3}));
  EXPECT_EQ(Eval("$..book[?(@.isbn)]", s), Books({2, 3}));
  EXPECT_EQ(Eval("$.store.book[?(@.price < 10)]", s), Books({0, 2}));
  EXPECT_EQ(Eval("$..book[?(@.price <= $['expensive'])]", s), Books({0, 2}));
  EXPECT_EQ(Eval("$..book[?(@.author =~ /.*REES/i)]", s), Books({0}));
  EXPECT_EQ(Eval("$..book.length()", s), "4");
}

TEST(JsonPathJayway, DeepScanEverythingIsPreOrderChildrenFirst) {
  auto r = C("$..*").evaluate(Store());
  ASSERT_TRUE(r.ok());
  // root's 2 children, store's 2, 4 books, 4+4+5+5 book fields, 2 bicycle fields.
  ASSERT_EQ(r->size(), 28u);
  EXPECT_EQ((*r)[1].dump(), "10");
  EXPECT_EQ((*r)[2].dump(), Store().find("store")->find("book")->dump());
  EXPECT_EQ((*r)[4].dump(), Book(0));
  EXPECT_EQ((*r)[8].dump(), R"("reference")");
  EXPECT_EQ((*r)[27].dump(), "19.95");
}

// ---- Definite paths ----------------------------------------------------------------------

TEST(JsonPathDefinite, NamesIndexesAndBrackets) {
  const Value& s = Store();
  EXPECT_EQ(Eval("$", P("\"x\"")), "\"x\"");
  EXPECT_EQ(Eval("$.store.bicycle.color", s), "\"red\"");
  EXPECT_EQ(Eval("$['store']['book'][0]['title']", s), "\"Sayings of the Century\"");
  EXPECT_EQ(Eval("$[\"store\"][\"bicycle\"][\"price\"]", s), "19.95");
  EXPECT_EQ(Eval("$.store.book[-1].author", s), "\"J. R. R. Tolkien\"");
  EXPECT_EQ(Eval("$.['expensive']", s), "10");
  EXPECT_EQ(Eval("  $.expensive  ", s), "10");
  EXPECT_EQ(Eval("$[1]", P("[5,6,7]")), "6");
  EXPECT_EQ(Eval("$.a.n", P(R"({"a":{"n":null}})")), "null");
}

TEST(JsonPathDefinite, ReturnsTheSharedNode) {
  const Value& s = Store();
  auto r = C("$.store.book").evaluate(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->identity(), s.find("store")->find("book")->identity());
}

TEST(JsonPathDefinite, FastPathDoesNotAllocate) {
  const Value& s = Store();
  JsonPath p = C("$.store.book[2]['isbn']");
  JsonPath root = C("$");
  size_t before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) {
    auto r = p.evaluate(s);
    auto q = root.evaluate(s);
    ASSERT_TRUE(r.ok() && q.ok());
  }
  EXPECT_EQ(g_allocations.load() - before, 0u);
  before = g_allocations.load();
  ASSERT_TRUE(C("$..price").evaluate(s).ok());  // the counter does count
  EXPECT_GT(g_allocations.load() - before, 0u);
}

TEST(JsonPathDefinite, NamesWithSpecialCharacters) {
  // AWS-observed: "$['Test\\\"\"Name\"']" in a definition reads the key Test""Name".
  Value doc =
      P(R"({"Test\"\"Name\"": 1, "Test\"Name": 2, "a b": 3, "it's": 4, "héllo": 5, "x.y": 6, "é": 7})");
  EXPECT_EQ(Eval(R"($['Test\""Name"'])", doc), "1");
  EXPECT_EQ(Eval(R"($['Test\"Name'])", doc), "2");
  EXPECT_EQ(Eval(R"($["Test\"Name"])", doc), "2");
  EXPECT_EQ(Eval("$['a b']", doc), "3");
  EXPECT_EQ(Eval(R"($['it\'s'])", doc), "4");
  EXPECT_EQ(Eval(R"($["it's"])", doc), "4");
  EXPECT_EQ(Eval("$.héllo", doc), "5");
  EXPECT_EQ(Eval("$['x.y']", doc), "6");
  EXPECT_EQ(Eval(R"($['\u00e9'])", doc), "7");
}

TEST(JsonPathDefinite, MultiNameLeafMergesIntoOneObject) {
  // Jayway: ['a','b'] as the last token is definite and yields one object of the members
  // present; not as the last token it iterates.
  Value doc = P(R"({"a":1,"b":{"v":2},"c":{"v":3}})");
  EXPECT_EQ(Eval("$['a','b']", doc), R"({"a":1,"b":{"v":2}})");
  EXPECT_EQ(Eval("$['a','zz']", doc), R"({"a":1})");
  EXPECT_TRUE(C("$['a','b']").is_definite());
  EXPECT_EQ(Eval("$['b','c'].v", doc), "[2,3]");
  EXPECT_FALSE(C("$['b','c'].v").is_definite());
}

// ---- Errors of definite paths (AWS prefixes them with "Invalid path '<path>' : ") ----------

TEST(JsonPathErrors, AwsObservedWordings) {
  Value in = P(R"({"no_such":1,"a":{"b":1}})");
  auto r = C("$.NoSuchInputPath").evaluate(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PATH_NOT_FOUND");
  EXPECT_EQ(r.error().message, "No results for path: $['NoSuchInputPath']");
  EXPECT_EQ(Eval("$.no.x", in), "ERROR PATH_NOT_FOUND: Missing property in path $['no']");
  EXPECT_EQ(Eval("$.a.b.c", in), "ERROR PATH_NOT_FOUND: No results for path: $['a']['b']['c']");
  EXPECT_EQ(Eval("$.a.b.c.d", in), "ERROR PATH_NOT_FOUND: Missing property in path $['a']['b']['c']");
  EXPECT_EQ(Eval("$.a.x.y", in), "ERROR PATH_NOT_FOUND: Missing property in path $['a']['x']");
}

TEST(JsonPathErrors, IndexesAndTypes) {
  const Value& s = Store();
  EXPECT_EQ(Eval("$.store.book[10]", s), "ERROR PATH_NOT_FOUND: No results for path: $['store']['book'][10]");
  EXPECT_EQ(Eval("$.store.book[-5]", s), "ERROR PATH_NOT_FOUND: No results for path: $['store']['book'][-5]");
  EXPECT_EQ(Eval("$.store.book[10].title", s),
            "ERROR PATH_NOT_FOUND: No results for path: $['store']['book'][10]['title']");
  EXPECT_EQ(Eval("$.expensive[0]", s),
            "ERROR PATH_NOT_FOUND: Filter: [0] can only be applied to arrays. Current context is: 10");
  EXPECT_EQ(Eval("$.store.bicycle.color[0].x", s),
            "ERROR PATH_NOT_FOUND: Filter: [0]['x'] can only be applied to arrays. Current context is: red");
  EXPECT_EQ(Eval("$.n[0]", P(R"({"n":null})")), "ERROR PATH_NOT_FOUND: The path $['n'] is null");
  EXPECT_EQ(Eval("$.expensive[1:2]", s),
            "ERROR PATH_NOT_FOUND: Filter: [1:2] can only be applied to arrays. Current context is: 10");
  EXPECT_EQ(Eval("$.expensive[?(@.a)]", s),
            "ERROR PATH_NOT_FOUND: Filter: [?] can not be applied to primitives. Current context is: 10");
  // A property read on a non-object counts as missing.
  EXPECT_EQ(Eval("$.expensive.x", s), "ERROR PATH_NOT_FOUND: No results for path: $['expensive']['x']");
  EXPECT_EQ(Eval("$.expensive.x.y", s), "ERROR PATH_NOT_FOUND: Missing property in path $['expensive']['x']");
}

TEST(JsonPathErrors, DefinitePrefixOfAnIndefinitePathIsStrict) {
  const Value& s = Store();
  EXPECT_EQ(Eval("$.nope[*]", s), "ERROR PATH_NOT_FOUND: Missing property in path $['nope']");
  EXPECT_EQ(Eval("$.expensive[*]", s), "[]");
  EXPECT_EQ(Eval("$.store.book[*].isbn", s), R"(["0-553-21311-3","0-395-19395-8"])");
  EXPECT_EQ(Eval("$.store.book[*].nope.deeper", s), "[]");
  EXPECT_EQ(Eval("$..nope", s), "[]");
  EXPECT_EQ(Eval("$.store.book[?(@.price > 100)]", s), "[]");
}

// ---- Indefinite selectors ------------------------------------------------------------------

TEST(JsonPathSelectors, Wildcards) {
  const Value& s = Store();
  EXPECT_EQ(Eval("$.store.bicycle.*", s), R"(["red",19.95])");
  EXPECT_EQ(Eval("$.store.bicycle[*]", s), R"(["red",19.95])");
  EXPECT_EQ(Eval("$[*]", P("[1,[2],{}]")), "[1,[2],{}]");
  EXPECT_EQ(Eval("$[*][*]", P("[1,[2,3],{\"a\":4}]")), "[2,3,4]");
}

TEST(JsonPathSelectors, UnionsAndSlices) {
  Value a = P(R"({"a":[0,1,2,3,4]})");
  EXPECT_EQ(Eval("$.a[0,2,4]", a), "[0,2,4]");
  EXPECT_EQ(Eval("$.a[4, 0, 9]", a), "[4,0]");  // out of range skipped, order kept
  EXPECT_EQ(Eval("$.a[-1,0]", a), "[4,0]");
  EXPECT_EQ(Eval("$.a[1:3]", a), "[1,2]");
  EXPECT_EQ(Eval("$.a[:2]", a), "[0,1]");
  EXPECT_EQ(Eval("$.a[3:]", a), "[3,4]");
  EXPECT_EQ(Eval("$.a[-2:]", a), "[3,4]");
  EXPECT_EQ(Eval("$.a[:-2]", a), "[0,1,2]");
  EXPECT_EQ(Eval("$.a[-3:-1]", a), "[2,3]");
  EXPECT_EQ(Eval("$.a[1:100]", a), "[1,2,3,4]");
  EXPECT_EQ(Eval("$.a[3:1]", a), "[]");
  EXPECT_EQ(Eval("$.a[0:4:2]", a), "[0,1,2,3]");  // Jayway ignores a step
  EXPECT_EQ(Eval("$.a[7:]", a), "[]");
}

TEST(JsonPathSelectors, DeepScan) {
  const Value& s = Store();
  EXPECT_EQ(Eval("$..[0]", s), Books({0}));
  EXPECT_EQ(Eval("$..color", s), R"(["red"])");
  EXPECT_EQ(Eval("$..[?(@.isbn)].title", s), R"(["Moby Dick","The Lord of the Rings"])");
  EXPECT_EQ(Eval("$..book[*].price", s), "[8.95,12.99,8.99,22.99]");
  EXPECT_EQ(Eval("$..['color','price']", s), R"([{"color":"red","price":19.95}])");
  Value nested = P(R"({"a":{"a":{"a":1}}})");
  EXPECT_EQ(Eval("$..a", nested), R"([{"a":{"a":1}},{"a":1},1])");
}

// ---- Filters -------------------------------------------------------------------------------

const Value& Items() {
  static const Value v = P(R"({"items":[
    {"id":1,"name":"apple","tags":["red","fruit"],"price":1.5,"ok":true,"note":null},
    {"id":2,"name":"Banana","tags":["yellow","fruit"],"price":0.25,"ok":false},
    {"id":3,"name":"carrot","tags":[],"price":2,"ok":true,"extra":{"k":"v"}},
    {"id":"4","name":"","tags":["orange"],"price":10}
  ], "limit": 1.5, "wanted": ["apple","carrot"]})");
  return v;
}

std::string Ids(std::string_view filter) {
  return Eval("$.items[?(" + std::string(filter) + ")].id", Items());
}

TEST(JsonPathFilter, Comparisons) {
  EXPECT_EQ(Ids("@.id == 1"), "[1]");
  EXPECT_EQ(Ids("@.id == '4'"), R"(["4"])");
  EXPECT_EQ(Ids("@.id == 4"), R"(["4"])");  // a number equals a numeric string
  EXPECT_EQ(Ids("@.id === 4"), "[]");       // ... but not type-safely
  EXPECT_EQ(Ids("@.id !== 4"), R"([1,2,3,"4"])");
  EXPECT_EQ(Ids("@.id != 1"), R"([2,3,"4"])");
  EXPECT_EQ(Ids("@.price < 1.5"), "[2]");
  EXPECT_EQ(Ids("@.price <= $.limit"), "[1,2]");
  EXPECT_EQ(Ids("@.price > 1.5"), R"([3,"4"])");
  EXPECT_EQ(Ids("@.price>=2"), R"([3,"4"])");
  EXPECT_EQ(Ids("@.price == 1.5e0"), "[1]");
  EXPECT_EQ(Ids("@.price > -1"), R"([1,2,3,"4"])");
  EXPECT_EQ(Ids("@.name < 'b'"), R"([1,2,"4"])");  // strings compare lexically
  EXPECT_EQ(Ids("@.name < 5"), "[]");              // type mismatch is false
  EXPECT_EQ(Ids("@.name == \"Banana\""), "[2]");
  EXPECT_EQ(Ids("@.ok == true"), "[1,3]");
  EXPECT_EQ(Ids("@.ok == false"), "[2]");
  EXPECT_EQ(Ids("@.note == null"), "[1]");
  EXPECT_EQ(Ids("@.missing != 1"), R"([1,2,3,"4"])");  // undefined equals nothing
  EXPECT_EQ(Ids("@.missing == null"), "[]");
  EXPECT_EQ(Ids("@.extra.k == 'v'"), "[3]");
  EXPECT_EQ(Ids("@.tags[0] == 'red'"), "[1]");
  EXPECT_EQ(Ids("@.tags == ['red','fruit']"), "[1]");
  EXPECT_EQ(Ids("@.extra == {'k': 'v'}"), "[3]");
  EXPECT_EQ(Ids("@.tags.length() == 2"), "[1,2]");
}

TEST(JsonPathFilter, ExistenceAndLogic) {
  EXPECT_EQ(Ids("@.note"), "[1]");  // present even though null
  EXPECT_EQ(Ids("!@.note"), R"([2,3,"4"])");
  EXPECT_EQ(Ids("@.ok == true && @.price > 1"), "[1,3]");
  EXPECT_EQ(Ids("@.id == 1 || @.id == 2"), "[1,2]");
  EXPECT_EQ(Ids("!(@.id == 1)"), R"([2,3,"4"])");
  EXPECT_EQ(Ids("(@.id == 1 || @.id == 2) && @.ok == false"), "[2]");
  EXPECT_EQ(Ids("@.id == 3 || @.id == 1 && @.ok == false"), "[3]");  // && binds tighter
  EXPECT_EQ(Ids("@.extra && @.ok"), "[3]");
}

TEST(JsonPathFilter, RegexMatchesTheWholeString) {
  EXPECT_EQ(Ids("@.name =~ /^[a-c].*/"), "[1,3]");
  EXPECT_EQ(Ids("@.name =~ /[a-c].*/i"), "[1,2,3]");
  EXPECT_EQ(Ids("@.name =~ /an/"), "[]");
  EXPECT_EQ(Ids("@.name =~ /.*an.*/"), "[2]");
  EXPECT_EQ(Ids("@.id =~ /4/"), R"(["4"])");
  EXPECT_EQ(Ids(R"(@.name =~ /\w{5,6}/)"), "[1,2,3]");
  EXPECT_EQ(Ids(R"(@.name =~ /a.*\d/)"), "[]");
  EXPECT_EQ(Ids("@.price =~ /1\\.5/"), "[1]");  // numbers match through their text
}

TEST(JsonPathFilter, ListAndSizeOperators) {
  EXPECT_EQ(Ids("@.name in $.wanted"), "[1,3]");
  EXPECT_EQ(Ids("@.name in ['apple', \"Banana\"]"), "[1,2]");
  EXPECT_EQ(Ids("@.id in [1, 3]"), "[1,3]");
  EXPECT_EQ(Ids("@.name nin ['apple']"), R"([2,3,"4"])");
  EXPECT_EQ(Ids("@.tags subsetof ['red','fruit','yellow']"), "[1,2,3]");
  EXPECT_EQ(Ids("@.tags anyof ['fruit']"), "[1,2]");
  EXPECT_EQ(Ids("@.tags noneof ['fruit']"), R"([3,"4"])");
  EXPECT_EQ(Ids("@.tags contains 'red'"), "[1]");
  EXPECT_EQ(Ids("@.name contains 'an'"), "[2]");
  EXPECT_EQ(Ids("@.tags all ['fruit','red']"), "[1]");
  EXPECT_EQ(Ids("@.tags size 2"), "[1,2]");
  EXPECT_EQ(Ids("@.name size 6"), "[2,3]");
  EXPECT_EQ(Ids("@.tags empty true"), "[3]");
  EXPECT_EQ(Ids("@.name empty true"), R"(["4"])");
  EXPECT_EQ(Ids("@.tags empty false"), R"([1,2,"4"])");
}

TEST(JsonPathFilter, OnAnObjectTestsTheObjectItself) {
  EXPECT_EQ(Eval("$.items[2].extra[?(@.k == 'v')]", Items()), R"([{"k":"v"}])");
  EXPECT_EQ(Eval("$.items[2].extra[?(@.k == 'w')]", Items()), "[]");
}

TEST(JsonPathFilter, NestedFilter) {
  Value doc = P(R"({"o":[{"l":[{"v":1}]},{"l":[{"v":2}]}]})");
  EXPECT_EQ(Eval("$.o[?(@.l[?(@.v == 2)])]", doc), R"([{"l":[{"v":2}]}])");
}

// ---- Path functions ------------------------------------------------------------------------

TEST(JsonPathFunctions, JaywaySemantics) {
  Value doc = P(R"({"nums":[1,2,3,4],"mixed":[1,"x",3],"empty":[],"o":{"a":1,"b":2},"s":"str"})");
  EXPECT_EQ(Eval("$.nums.length()", doc), "4");
  EXPECT_EQ(Eval("$.nums.size()", doc), "4");
  EXPECT_EQ(Eval("$.o.length()", doc), "2");
  EXPECT_EQ(Eval("$.s.length()", doc), "null");
  EXPECT_EQ(Eval("$.nums.sum()", doc), "10.0");  // Jayway answers doubles
  EXPECT_EQ(Eval("$.nums.avg()", doc), "2.5");
  EXPECT_EQ(Eval("$.nums.min()", doc), "1.0");
  EXPECT_EQ(Eval("$.nums.max()", doc), "4.0");
  EXPECT_EQ(Eval("$.nums.stddev()", doc), "1.118033988749895");
  EXPECT_EQ(Eval("$.mixed.sum()", doc), "4.0");  // non-numbers are skipped
  EXPECT_EQ(Eval("$.nums.first()", doc), "1");
  EXPECT_EQ(Eval("$.nums.last()", doc), "4");
  EXPECT_EQ(Eval("$.o.keys()", doc), R"(["a","b"])");
  EXPECT_EQ(Eval("$.empty.sum()", doc),
            "ERROR PATH_NOT_FOUND: Aggregation function attempted to calculate value using empty array");
  EXPECT_EQ(Eval("$.missing.length()", doc), "ERROR PATH_NOT_FOUND: Missing property in path $['missing']");
  EXPECT_EQ(Eval("$.store.book[0].keys()", Store()), R"(["category","author","title","price"])");
  EXPECT_EQ(Eval("$.store.book.length()", Store()), "4");
  auto sum = C("$..price.sum()").evaluate(Store());
  ASSERT_TRUE(sum.ok());
  EXPECT_NEAR(sum->as_double(), 73.87, 1e-9);
  EXPECT_EQ(Eval("$.store.book[*].title.length()", Store()), "[null,null,null,null]");
}

// ---- Compile-time properties ---------------------------------------------------------------

TEST(JsonPathCompile, Normalized) {
  std::map<std::string, std::string> cases = {
      {"$", "$"},
      {"$.a.b[0]", "$['a']['b'][0]"},
      {"$.a[*]", "$['a'][*]"},
      {"$.a.*", "$['a'][*]"},
      {"$..x", "$..['x']"},
      {"$..*", "$..[*]"},
      {"$.a[1:3]", "$['a'][1:3]"},
      {"$.a[-2:]", "$['a'][-2:]"},
      {"$.a[:2]", "$['a'][:2]"},
      {"$.a[0, 2]", "$['a'][0,2]"},
      {"$['x','y']", "$['x','y']"},
      {"$.a[?(@.b)]", "$['a'][?]"},
      {"$[\"x\"]", "$[\"x\"]"},
      {R"($['it\'s'])", R"($['it\'s'])"},
      {"$.a.length()", "$['a'].length()"},
      {"$$.Execution.Id", "$['Execution']['Id']"},
      {"$myVar.x[0]", "$myVar['x'][0]"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(C(in).normalized(), out) << in;
}

TEST(JsonPathCompile, RootsAndKinds) {
  EXPECT_EQ(C("$.a").root(), PathRoot::kInput);
  EXPECT_EQ(C("$$.Execution.Id").root(), PathRoot::kContext);
  EXPECT_EQ(C("$myVar.field[0]").root(), PathRoot::kVariable);
  EXPECT_EQ(C("$myVar.field[0]").variable(), "myVar");
  EXPECT_EQ(C("$_x1").variable(), "_x1");
  EXPECT_EQ(C("$.a").variable(), "");
  EXPECT_EQ(C("$.a").text(), "$.a");
  EXPECT_TRUE(C("$").is_root_only());
  EXPECT_TRUE(C("$$").is_root_only());
  EXPECT_TRUE(C("$v").is_root_only());
  EXPECT_FALSE(C("$.a").is_root_only());
  EXPECT_FALSE(C("$.length()").is_root_only());
  EXPECT_TRUE(C("$.a.b[0]").is_definite());
  EXPECT_TRUE(C("$.a.length()").is_definite());
  for (auto p : {"$.a[*]", "$..a", "$.a[0,1]", "$.a[1:2]", "$.a[?(@.b)]", "$.a.*"}) {
    EXPECT_FALSE(C(p).is_definite()) << p;
  }
  JsonPath def;  // default-constructed: "$"
  EXPECT_TRUE(def.is_root_only());
  EXPECT_EQ(def.text(), "$");
  EXPECT_EQ(def.evaluate(P("[1]"))->dump(), "[1]");
}

TEST(JsonPathCompile, ReferencePaths) {
  for (auto p : {"$", "$.a.b", "$.a[0]", "$['a b'][1]", "$.a[-1]", "$.jar[?(@.a >= 5)]", "$$.Execution.Input",
                 "$.a[?(@.b == 'x' && !(@.c))]"}) {
    EXPECT_TRUE(C(p).is_reference_path()) << p;
  }
  for (auto p : {"$.a[*]", "$..a", "$.a[0,1]", "$.a[1:2]", "$.a.length()", "$.a[?(@.b =~ /x/)]",
                 "$.a[?(@.b in ['x'])]", "$.a[?(@.b == $.c)]", "$['a','b']", "$.a[?(@.b subsetof ['x'])]",
                 "$.a[?(@.b.length() > 1)]"}) {
    EXPECT_FALSE(C(p).is_reference_path()) << p;
  }
}

TEST(JsonPathCompile, InvalidPaths) {
  for (auto p : {"",
                 "   ",
                 "a.b",
                 "$.",
                 "$..",
                 "$.a.",
                 "$[",
                 "$['a",
                 "$['a'",
                 "$[?(@.a == 1]",
                 "$.a b",
                 "$[abc]",
                 "$.a.nosuch()",
                 "$.sum(1)",
                 "$[::2]",
                 "$[1 : 2]",
                 "$.length().x",
                 "$$$",
                 "$x-y",
                 "$[*",
                 "$[?(@.a =~ /(/)]",
                 "$[?(@.a ~~ 1)]",
                 "$[?(@.a == 'x)]",
                 "$[?(1)]",
                 "$[?(@.a == )]",
                 "$['a',]",
                 "$[1,]",
                 "$...a",
                 "$[99999999999]",
                 "$[?(@.a in [1,2)]",
                 R"($[?(@.a =~ /\1/)])",
                 R"($[?(@.a =~ /x\888888888888888888888/)])",
                 "$[?(@.a =~ /a{99999999999999999999}/)]"}) {
    Error e = CompileError(p);
    EXPECT_EQ(e.code, "INVALID_PATH") << p;
    EXPECT_FALSE(e.message.empty()) << p;
  }
  EXPECT_EQ(CompileError("$.").message, "Path must not end with a '.' or '..'");
  EXPECT_EQ(CompileError("$.a b").message,
            "Use bracket notion ['my prop'] if your property contains blank characters. position: 2");
  EXPECT_EQ(CompileError("$.a.nosuch()").message, "Function with name: nosuch does not exist.");
  EXPECT_TRUE(JsonPath::compile("$a").ok());  // a variable path
}

// ---- ResultPath ----------------------------------------------------------------------------

Value Assign(std::string_view path, const Value& root, const Value& v) {
  auto r = C(path).assign(root, v);
  EXPECT_TRUE(r.ok()) << path << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Value();
}

TEST(JsonPathAssign, AwsResultPathExample) {
  // AWS Developer Guide, "ResultPath": the result is added to the state input.
  Value input = P(R"({"comment":"This is a test of the input and output of a Task state.",
                      "details":"Default example","who":"AWS Step Functions"})");
  Value out = Assign("$.taskresult", input, Value::string(std::string_view("Hello, AWS Step Functions!")));
  EXPECT_EQ(out.dump(), R"({"comment":"This is a test of the input and output of a Task state.",)"
                        R"("details":"Default example","who":"AWS Step Functions",)"
                        R"("taskresult":"Hello, AWS Step Functions!"})");
}

TEST(JsonPathAssign, ReplacesCreatesAndShares) {
  Value doc = P(R"({"big":{"list":[1,2,3]},"x":{"y":1,"z":"a long string, not inline"},"arr":[1,2,3]})");
  EXPECT_EQ(Assign("$", doc, P("[7]")).dump(), "[7]");
  Value out = Assign("$.x.y", doc, P("{\"r\":true}"));
  EXPECT_EQ(out.dump(),
            R"({"big":{"list":[1,2,3]},"x":{"y":{"r":true},"z":"a long string, not inline"},"arr":[1,2,3]})");
  EXPECT_EQ(out.find("big")->identity(), doc.find("big")->identity());
  EXPECT_EQ(out.find("x")->find("z")->identity(), doc.find("x")->find("z")->identity());
  EXPECT_EQ(out.find("arr")->identity(), doc.find("arr")->identity());
  EXPECT_EQ(doc.find("x")->find("y")->dump(), "1");  // the input is unchanged
  EXPECT_EQ(Assign("$.n.m.o", P(R"({"k":1})"), P("5")).dump(), R"({"k":1,"n":{"m":{"o":5}}})");
  EXPECT_EQ(Assign("$.arr[1]", doc, P("9")).find("arr")->dump(), "[1,9,3]");
  EXPECT_EQ(Assign("$.arr[-1]", doc, P("9")).find("arr")->dump(), "[1,2,9]");
  EXPECT_EQ(Assign("$['a b']", P("{}"), P("1")).dump(), R"({"a b":1})");
}

TEST(JsonPathAssign, Failures) {
  auto fail = [](std::string_view path, const Value& root) {
    auto r = C(path).assign(root, Value::integer(1));
    EXPECT_FALSE(r.ok()) << path;
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().code, "RESULT_PATH_MATCH_FAILURE") << path;
    return r.error().message;
  };
  EXPECT_EQ(fail("$.a", P("\"hello\"")),
            "The path $ is a string, not an object, so the field 'a' cannot be set");
  EXPECT_EQ(fail("$.a.b", P(R"({"a":5})")),
            "The path $['a'] is a number, not an object, so the field 'b' cannot be set");
  EXPECT_EQ(fail("$.a.b", P(R"({"a":null})")),
            "The path $['a'] is null, not an object, so the field 'b' cannot be set");
  EXPECT_EQ(fail("$.arr[5]", P(R"({"arr":[1]})")),
            "The index [5] is outside the array at $['arr'] (length 1)");
  EXPECT_EQ(fail("$.m[0]", P("{}")), "The path $['m'] does not exist, so the index [0] cannot be set");
  EXPECT_EQ(fail("$.o[0]", P(R"({"o":{}})")),
            "The path $['o'] is an object, not an array, so the index [0] cannot be set");
  EXPECT_FALSE(fail("$.a[*]", P("{}")).empty());
  EXPECT_FALSE(fail("$..a", P("{}")).empty());
}

// ---- Roots ---------------------------------------------------------------------------------

class TestRoots final : public PathRoots {
 public:
  TestRoots(Value input, Value context, std::map<std::string, Value, std::less<>> vars)
      : input_(std::move(input)), context_(std::move(context)), vars_(std::move(vars)) {}
  const Value& input() const override { return input_; }
  const Value& context() const override { return context_; }
  const Value* variable(std::string_view name) const override {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
  }

 private:
  Value input_, context_;
  std::map<std::string, Value, std::less<>> vars_;
};

TEST(JsonPathRoots, ContextAndVariables) {
  TestRoots roots(P(R"({"in":1})"),
                  P(R"({"Execution":{"Id":"arn:exec","Input":{"in":1}},"State":{"RetryCount":0}})"),
                  {{"myVar", P(R"({"field":[10,20]})")}, {"answer", P("42")}});
  auto ev = [&](std::string_view path) {
    auto r = C(path).evaluate_in(roots);
    return r ? r->dump() : "ERROR " + r.error().code + ": " + r.error().message;
  };
  EXPECT_EQ(ev("$.in"), "1");
  EXPECT_EQ(ev("$$.Execution.Id"), R"("arn:exec")");
  EXPECT_EQ(ev("$$.State.RetryCount"), "0");
  EXPECT_EQ(ev("$$"), R"({"Execution":{"Id":"arn:exec","Input":{"in":1}},"State":{"RetryCount":0}})");
  EXPECT_EQ(ev("$$.Execution.Nope"), "ERROR PATH_NOT_FOUND: No results for path: $['Execution']['Nope']");
  EXPECT_EQ(ev("$myVar.field[1]"), "20");
  EXPECT_EQ(ev("$myVar.field[*]"), "[10,20]");
  EXPECT_EQ(ev("$answer"), "42");
  EXPECT_EQ(ev("$nope"), "ERROR UNKNOWN_VARIABLE: The variable '$nope' is not defined");
  EXPECT_EQ(ev("$myVar.nope"), "ERROR PATH_NOT_FOUND: No results for path: $myVar['nope']");
  // FixedRoots has no variables.
  auto r = C("$x").evaluate_in(FixedRoots(P("{}")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "UNKNOWN_VARIABLE");
}

// ---- Limits --------------------------------------------------------------------------------

TEST(JsonPathLimits, ExplosiveScansHitTheWorkBudget) {
  Value deep = Value::integer(0);
  for (int i = 0; i < 900; ++i) {
    std::vector<Member> m;
    m.push_back(Member{Value::string(std::string_view("a")), deep});
    deep = Value::object(std::move(m));
  }
  auto r = C("$..*..*..*").evaluate(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PATH_LIMIT_EXCEEDED");
  EXPECT_TRUE(C("$..*").evaluate(deep).ok());
}

}  // namespace
}  // namespace sg::json
