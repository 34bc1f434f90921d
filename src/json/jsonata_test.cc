// Unit tests of the JSONata evaluator's core language, its bounds and its public API.
// (The conformance suite runs in jsonata_suite_test.cc.)
#include "json/jsonata.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "json/parse.h"

namespace sg::json::jsonata {
namespace {

struct RunResult {
  std::string text;  // the result as JSON, "undefined", or "error CODE@position"
  Error error;
};

RunResult run(std::string_view expr, std::string_view input = "", Dialect dialect = Dialect::kAws,
              const Limits& limits = Limits(), const Environment& env = Environment()) {
  RunResult r;
  CompileOptions options;
  options.dialect = dialect;
  auto compiled = compile(expr, options, &r.error);
  if (!compiled) {
    r.text = "error " + r.error.code + "@" + std::to_string(r.error.position);
    return r;
  }
  std::optional<Value> in;
  if (!input.empty()) in = *parse_json(input);
  std::optional<Value> out;
  if (!evaluate(*compiled, in, env, limits, &out, &r.error)) {
    r.text = "error " + r.error.code + "@" + std::to_string(r.error.position);
    return r;
  }
  r.text = out ? dump_js(*out) : "undefined";
  return r;
}

std::string eval(std::string_view expr, std::string_view input = "") { return run(expr, input).text; }

constexpr const char* kOrders = R"({"Account": {"Name": "Firefly", "Order": [
  {"OrderID": "o1", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 2},
                                {"Name": "Cloak", "Price": 107.99, "Quantity": 1}]},
  {"OrderID": "o2", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 4}]}]}})";

TEST(Jsonata, PathsPredicatesAndSequences) {
  EXPECT_EQ(eval("Account.Name", kOrders), R"("Firefly")");
  EXPECT_EQ(eval("Account.Order.OrderID", kOrders), R"(["o1","o2"])");
  EXPECT_EQ(eval("Account.Order[0].OrderID", kOrders), R"("o1")");
  EXPECT_EQ(eval("Account.Order[-1].Product.Quantity", kOrders), "4");
  EXPECT_EQ(eval("Account.Order[1].Product.Quantity[]", kOrders), "[4]");
  EXPECT_EQ(eval("Account.Order.Product[Price > 100].Name", kOrders), R"("Cloak")");
  EXPECT_EQ(eval("Account.Order.Product.Name[1]", kOrders), "undefined");  // per product
  EXPECT_EQ(eval("(Account.Order.Product.Name)[1]", kOrders), R"("Cloak")");
  EXPECT_EQ(eval("Account.Missing.Field", kOrders), "undefined");
  EXPECT_EQ(eval("$[1]", "[5,6,7]"), "6");
  EXPECT_EQ(eval("$$.a", R"({"a":1})"), "1");
  EXPECT_EQ(eval("`Account`.`Name`", kOrders), R"("Firefly")");
}

TEST(Jsonata, WildcardsAndDescendants) {
  EXPECT_EQ(eval("*", R"({"a":1,"b":[2,3]})"), "[1,2,3]");
  EXPECT_EQ(eval("**.Price", kOrders), "[34.45,107.99,34.45]");
  EXPECT_EQ(eval("Account.*[0]", R"({"Account":{"a":[1,2],"b":3}})"), "1");
  EXPECT_EQ(eval("*.*", R"({"a":{"b":1,"c":[2]},"d":{"e":3}})"), "[1,2,3]");
}

TEST(Jsonata, Constructors) {
  EXPECT_EQ(eval("[1, [2, 3], 4..6]"), "[1,[2,3],4,5,6]");
  EXPECT_EQ(eval("[1..3].($ * 2)"), "[2,4,6]");
  EXPECT_EQ(eval(R"({"a": 1, "b": [true, null]})"), R"({"a":1,"b":[true,null]})");
  EXPECT_EQ(eval("Account.Order.Product{Name: $sum(Quantity)}", kOrders), R"({"Hat":6,"Cloak":1})");
  EXPECT_EQ(eval("Account.Order.{OrderID: $count(Product)}", kOrders), R"([{"o1":2},{"o2":1}])");
  EXPECT_EQ(eval("{\"k\": undefinedThing}"), "{}");
  EXPECT_EQ(run("{1: 2}").error.code, "T1003");
  EXPECT_EQ(run(R"(["a","b"]{$: 1, "a": 2})").error.code, "D1009");
}

TEST(Jsonata, Operators) {
  EXPECT_EQ(eval("1 + 2 * 3 - 4 / 2"), "5");
  EXPECT_EQ(eval("7 % 3"), "1");
  EXPECT_EQ(eval("-7 % 3"), "-1");
  EXPECT_EQ(eval("0.1 + 0.2"), "0.30000000000000004");
  EXPECT_EQ(eval("1e21 * 10"), "1e+22");
  EXPECT_EQ(eval(R"("a" & 1 & true & null & [1,"x"] & {"k":1/3})"),
            R"("a1truenull[1,\"x\"]{\"k\":0.333333333333333}")");
  EXPECT_EQ(eval("1 = 1.0 and \"a\" != \"b\" and [1,{\"a\":2}] = [1,{\"a\":2}]"), "true");
  EXPECT_EQ(eval("\"abc\" < \"abd\""), "true");
  EXPECT_EQ(eval("3 in [1,2,3]"), "true");
  EXPECT_EQ(eval("false or undefinedThing"), "false");
  EXPECT_EQ(eval("nothing + 1"), "undefined");
  EXPECT_EQ(eval("nothing = 1"), "false");
  EXPECT_EQ(eval("$count([1..10000000])"), "10000000");
  EXPECT_EQ(run("1 < \"a\"").error.code, "T2009");
  EXPECT_EQ(run("{} < 1").error.code, "T2010");
  EXPECT_EQ(run("[1..1.5]").error.code, "T2004");
  EXPECT_EQ(run("1..2").error.code, "S0201");
  EXPECT_EQ(run("[1..10000001]").error.code, "D2014");
  EXPECT_EQ(run("-\"a\"").error.code, "D1002");
  EXPECT_EQ(run("1/(10e300 * 10e100)").error.code, "D1001");
  // A non-finite result is null in JSON, as the reference serialises it; as an operand it is an error.
  EXPECT_EQ(eval("1/0"), "null");
  EXPECT_EQ(eval("[0/0, 1]"), "[null,1]");
  EXPECT_EQ(run("(1/0) + 1").error.code, "D1001");
  EXPECT_EQ(run("(0/0) + 1").error.code, "T2001");
}

TEST(Jsonata, ConditionalsVariablesBlocks) {
  EXPECT_EQ(eval("Account.Name = \"Firefly\" ? \"yes\" : \"no\"", kOrders), R"("yes")");
  EXPECT_EQ(eval("false ? 1"), "undefined");
  EXPECT_EQ(eval("($x := 2; $y := $x * 3; $x + $y)"), "8");
  EXPECT_EQ(eval("($x := 1; ($x := 2); $x)"), "1");
  EXPECT_EQ(eval("$x", ""), "undefined");
}

TEST(Jsonata, LambdasClosuresPartialsChains) {
  EXPECT_EQ(eval("(function($x){$x * 2})(21)"), "42");
  EXPECT_EQ(eval("($add := function($a){function($b){$a + $b}}; $add(1)(2))"), "3");
  EXPECT_EQ(eval("($first3 := $substring(?, 0, 3); $first3(\"abcdef\"))"), R"("abc")");
  EXPECT_EQ(eval("($f := function($a, $b){$a - $b}; $g := $f(10, ?); $g(3))"), "7");
  EXPECT_EQ(eval("\"hello\" ~> $uppercase() ~> $substring(1)"), R"("ELLO")");
  EXPECT_EQ(eval("($twice := $uppercase ~> function($s){$s & $s}; $twice(\"ab\"))"), R"("ABAB")");
  EXPECT_EQ(eval("λ($x)<n:n>{$x + 1}(1)"), "2");
  EXPECT_EQ(run("λ($x)<n:n>{$x + 1}(\"a\")").error.code, "T0410");
  EXPECT_EQ(run("$nope()").error.code, "T1006");
  EXPECT_EQ(run("uppercase(\"a\")").error.code, "T1005");
  EXPECT_EQ(run("1 ~> 2").error.code, "T2006");
}

TEST(Jsonata, HigherOrderFunctions) {
  EXPECT_EQ(eval("$map([1,2,3], function($v, $i){$v * $i})"), "[0,2,6]");
  EXPECT_EQ(eval("$map([\"a\",\"b\"], $uppercase)"), R"(["A","B"])");
  EXPECT_EQ(eval("$map([1,2], $string)"), R"(["1","2"])");
  EXPECT_EQ(eval("$filter([1,2,3,4], function($v){$v % 2 = 0})"), "[2,4]");
  EXPECT_EQ(eval("$single([1,2,3], function($v){$v = 2})"), "2");
  EXPECT_EQ(run("$single([1,2,3], function($v){$v > 1})").error.code, "D3138");
  EXPECT_EQ(run("$single([1,2,3], function($v){$v > 5})").error.code, "D3139");
  EXPECT_EQ(eval("$reduce([1,2,3,4], function($a, $b){$a + $b})"), "10");
  EXPECT_EQ(eval("$reduce([1,2,3], function($a, $b){$a + $b}, 10)"), "16");
  EXPECT_EQ(run("$reduce([1,2], function($a){$a})").error.code, "D3050");
  EXPECT_EQ(eval(R"($sift({"a":1,"b":2,"c":3}, function($v){$v > 1}))"), R"({"b":2,"c":3})");
  EXPECT_EQ(eval(R"($each({"a":1,"b":2}, function($v, $k){$k & $v}))"), R"(["a1","b2"])");
  EXPECT_EQ(eval("$sort([3,1,2])"), "[1,2,3]");
  EXPECT_EQ(eval("$sort([\"b\",\"a\",\"c\"], function($a, $b){$a < $b})"), R"(["c","b","a"])");
  EXPECT_EQ(run("$sort([1,\"a\"])").error.code, "D3070");
}

TEST(Jsonata, SortingGroupingParentPositionalContext) {
  EXPECT_EQ(eval("Account.Order.Product^(>Price, Quantity).Quantity", kOrders), "[1,2,4]");
  EXPECT_EQ(eval("Account.Order.Product.{\"n\": Name, \"o\": %.OrderID}", kOrders),
            R"([{"n":"Hat","o":"o1"},{"n":"Cloak","o":"o1"},{"n":"Hat","o":"o2"}])");
  EXPECT_EQ(eval("Account.Order.Product#$i[$i = 1].Name", kOrders), R"("Cloak")");
  EXPECT_EQ(eval(R"(loans@$l.books@$b[$l.isbn = $b.isbn].{"who": $l.who, "title": $b.title})",
                 R"({"loans":[{"isbn":"1","who":"a"},{"isbn":"2","who":"b"}],
                     "books":[{"isbn":"1","title":"T"},{"isbn":"2","title":"U"}]})"),
            R"([{"who":"a","title":"T"},{"who":"b","title":"U"}])");
  EXPECT_EQ(run("%.a").error.code, "S0217");
  EXPECT_EQ(run("[1,2]^(\"a\", $)").text, "[1,2]");
  EXPECT_EQ(run("[{\"a\":1},{\"a\":\"x\"}]^(a)").error.code, "T2007");
}

TEST(Jsonata, RegexAndTransform) {
  EXPECT_EQ(eval("$match(\"ab12cd345\", /[0-9]+/).match"), R"(["12","345"])");
  EXPECT_EQ(eval("$replace(\"John Smith\", /(\\w+)\\s(\\w+)/, \"$2, $1\")"), R"("Smith, John")");
  EXPECT_EQ(eval("$contains(\"Hello\", /l+o$/i)"), "true");
  EXPECT_EQ(eval("/b(c)/(\"abcd\").groups"), R"(["c"])");
  EXPECT_EQ(eval("$split(\"a1b22c\", /[0-9]+/)"), R"(["a","b","c"])");
  EXPECT_EQ(eval("$match(\"ab\", /(?<=a)b/).match"), R"("b")");
  EXPECT_EQ(run("/a{2,1}/").error.code, "S0303");
  EXPECT_EQ(run("/(/").error.code, "S0302");
  EXPECT_EQ(run("//").error.code, "S0301");
  EXPECT_EQ(eval(R"($ ~> |a|{"c": 3}, ["b"]|)", R"({"a":{"b":1,"x":2}})"), R"({"a":{"x":2,"c":3}})");
  EXPECT_EQ(eval(R"($ ~> |**[x > 0]|{"y": x * 2}|)", R"({"p":[{"x":1},{"x":2}]})"),
            R"({"p":[{"x":1,"y":2},{"x":2,"y":4}]})");
  EXPECT_EQ(run(R"($ ~> |a|5|)", R"({"a":{}})").error.code, "T2011");
  // The transform is a function of an object or array: a string is a signature error.
  EXPECT_EQ(run(R"("text" ~> |$|{"added": true}|)").error.code, "T0410");
}

TEST(Jsonata, TailCallsDoNotGrowTheStack) {
  // 200,000 iterations through a tail call: the trampoline keeps the depth flat.
  EXPECT_EQ(eval("($loop := function($n, $acc){$n = 0 ? $acc : $loop($n - 1, $acc + 1)}; $loop(200000, 0))"),
            "200000");
  EXPECT_EQ(eval("($even := function($n){$n = 0 ? true : $odd($n - 1)};"
                 " $odd := function($n){$n = 0 ? false : $even($n - 1)}; $even(10001))"),
            "false");
}

TEST(Jsonata, AwsDialectLeavesOutNewOperatorsAndEval) {
  EXPECT_EQ(run("a ?? 1", R"({"b":2})", Dialect::kReference).text, "1");
  EXPECT_EQ(run("0 ?: 1", "", Dialect::kReference).text, "1");
  EXPECT_EQ(run("$eval(\"1 + 1\")", "", Dialect::kReference).text, "2");
  EXPECT_EQ(run("a ?? 1", R"({"b":2})").error.code, "S0211");
  EXPECT_EQ(run("0 ?: 1").error.code, "S0211");
  EXPECT_EQ(run("$eval(\"1 + 1\")").error.code, "T1006");
}

TEST(Jsonata, RandomIsTheReferencesUntilTheAslLayerReplacesIt) {
  EXPECT_EQ(eval("$random() < 1 and $random() >= 0"), "true");
  Environment env;
  env.functions.push_back(
      {"random", "<n?:n>", [](std::span<const std::optional<Value>>, std::optional<Value>* result, Error*) {
         *result = Value::number(0.25);
         return true;
       }});
  EXPECT_EQ(run("$random(7)", "", Dialect::kAws, Limits(), env).text, "0.25");
}

TEST(Jsonata, ErrorsCarryCodeMessagePositionAndToken) {
  RunResult r = run("1 + \"a\"");
  EXPECT_EQ(r.error.code, "T2002");
  EXPECT_EQ(r.error.position, 3);
  EXPECT_EQ(r.error.token, "+");
  EXPECT_EQ(r.error.message, "The right side of the \"+\" operator must evaluate to a number");
  r = run("$uppercase(1)");
  EXPECT_EQ(r.error.code, "T0410");
  EXPECT_EQ(r.error.token, "uppercase");
  EXPECT_EQ(r.error.message, "Argument 1 of function \"uppercase\" does not match function signature");
  r = run("$min(\"a\")");
  EXPECT_EQ(r.error.code, "T0412");
  EXPECT_EQ(r.error.message, "Argument 1 of function \"min\" must be an array of numbers");
  r = run("\"é\" + 1");  // positions count UTF-16 units, as JavaScript does
  EXPECT_EQ(r.error.code, "T2001");
  EXPECT_EQ(r.error.position, 5);
  r = run("(1 + 2");
  EXPECT_EQ(r.error.code, "S0203");
  EXPECT_EQ(r.error.message, "Expected \")\" before end of expression");
  EXPECT_EQ(run("\"abc").error.code, "S0101");
  EXPECT_EQ(run("a.1").error.code, "S0213");
  EXPECT_EQ(run("1 !").error.code, "S0204");
}

TEST(Jsonata, HostileInputIsBounded) {
  // Deeply nested syntax fails to compile instead of exhausting the stack.
  std::string deep(100000, '(');
  deep += "1";
  deep += std::string(100000, ')');
  EXPECT_EQ(run(deep).error.code, "U1001");
  std::string arrays(50000, '[');
  EXPECT_EQ(run(arrays).error.code, "U1001");
  // Non-tail recursion hits the depth limit.
  EXPECT_EQ(run("($f := function($n){1 + $f($n + 1)}; $f(0))").error.code, "U1001");
  // Values nested past the limit, strings that double forever.
  EXPECT_EQ(run("$reduce([1..5000], function($a, $x){{\"a\": $a}}, {})").error.code, "U1001");
  EXPECT_EQ(run("$reduce([1..100], function($a, $x){$a & $a}, \"x\")").error.code, "U1001");
  // Catastrophic backtracking is cut by the regex budget.
  EXPECT_EQ(run("$match(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\", /^(a|a)*$/)").error.code, "U1001");
  // Step limit and cancellation.
  Limits steps;
  steps.max_steps = 10000;
  EXPECT_EQ(run("($f := function(){$f()}; $f())", "", Dialect::kAws, steps).error.code, "U1001");
  Limits timed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  timed.should_stop = [deadline] { return std::chrono::steady_clock::now() > deadline; };
  EXPECT_EQ(run("($f := function(){$f()}; $f())", "", Dialect::kAws, timed).error.code, "U1001");
  Limits small;
  small.max_result_bytes = 10;
  EXPECT_EQ(run("\"a long string of text\"", "", Dialect::kAws, small).error.code, "U1001");
}

void* deep_recursion_on_small_stack(void* out) {
  Limits limits;
  limits.max_depth = 1000000;  // only the stack guard can stop it
  *static_cast<std::string*>(out) =
      run("($f := function($n){1 + $f($n + 1)}; $f(0))", "", Dialect::kAws, limits).text;
  return nullptr;
}

void* deep_compile_on_small_stack(void* out) {
  std::string deep(390, '[');
  deep += "1";
  deep += std::string(390, ']');
  *static_cast<std::string*>(out) = run(deep).text;
  return nullptr;
}

std::string on_thread_with_stack(void* (*fn)(void*), size_t stack_bytes) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  std::string result;
  if (pthread_create(&thread, &attr, fn, &result) != 0) return "no thread";
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return result;
}

TEST(Jsonata, StackGuardProtectsSmallThreadStacks) {
  // 390 levels compile and evaluate on an ordinary stack, but not on a 160 KiB one.
  std::string nested = std::string(390, '[') + "1" + std::string(390, ']');
  EXPECT_EQ(run(nested).text, nested);
  std::string small = on_thread_with_stack(deep_compile_on_small_stack, 160 * 1024);
  EXPECT_EQ(small.rfind("error U1001", 0), 0u) << small.substr(0, 40);

  std::string result = on_thread_with_stack(deep_recursion_on_small_stack, 512 * 1024);
  EXPECT_EQ(result.rfind("error U1001", 0), 0u) << result;
}

TEST(Jsonata, FunctionResultsAreReported) {
  EXPECT_EQ(run("function($x){$x}").error.code, kFunctionResultCode);
  EXPECT_EQ(eval("{\"f\": $uppercase, \"g\": 1}"), R"({"g":1})");
}

TEST(Jsonata, EnvironmentVariablesAndNativeFunctions) {
  Environment env;
  env.variables.emplace_back("states", *parse_json(R"({"input": {"total": 12}})"));
  env.functions.push_back(
      {"double", "<n:n>",
       [](std::span<const std::optional<Value>> args, std::optional<Value>* result, Error*) {
         *result = Value::number(args[0]->as_double() * 2);
         return true;
       }});
  env.now_ms = 1700000000000;
  EXPECT_EQ(run("$double($states.input.total)", "", Dialect::kAws, Limits(), env).text, "24");
  EXPECT_EQ(run("$millis()", "", Dialect::kAws, Limits(), env).text, "1700000000000");
  EXPECT_EQ(run("$now()", "", Dialect::kAws, Limits(), env).text, R"("2023-11-14T22:13:20.000Z")");
  EXPECT_EQ(run("$double(\"x\")", "", Dialect::kAws, Limits(), env).error.code, "T0410");
}

TEST(Jsonata, CompileCacheReturnsTheSameExpression) {
  CompileCache cache(2);
  Error e;
  auto a = cache.compile("1 + 1", &e);
  auto b = cache.compile("1 + 1", &e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_FALSE(cache.compile("1 +", &e));
  EXPECT_EQ(e.code, "S0207");
  cache.compile("2", &e);
  cache.compile("3", &e);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.compile("1 + 1", &e).get(), a.get());  // evicted, compiled again
}

TEST(Jsonata, ExpressionsAreSharedAcrossThreads) {
  Error e;
  auto expr =
      compile("($f := function($n){$n <= 1 ? $n : $f($n - 1) + $f($n - 2)}; $f(15) & \"/\" & $count(a))", &e);
  ASSERT_TRUE(expr);
  Value input = *parse_json(R"({"a": [1, 2, 3]})");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        std::optional<Value> out;
        Error err;
        if (evaluate(*expr, input, Environment(), Limits(), &out, &err) && out && out->as_string() == "610/3")
          ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
}

TEST(Jsonata, DumpJsPrintsNumbersAsJavaScript) {
  EXPECT_EQ(dump_js(*parse_json(R"({"a":[1,2.5,1e21,1e-7,"x\n"],"b":null})")),
            R"({"a":[1,2.5,1e+21,1e-7,"x\n"],"b":null})");
  EXPECT_EQ(eval("100000000000000000000"), "100000000000000000000");
}

}  // namespace
}  // namespace sg::json::jsonata
