#include "server/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <future>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "json/value.h"

namespace sg::server {

bool ResponseStream::write(std::string_view data) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (queue_.size() + data.size() > max_queued_) {
      closed_ = true;  // a client that cannot keep up is dropped
      queue_.clear();
      wake = wake_;
    } else {
      if (queue_.empty()) wake = wake_;
      queue_.append(data);
    }
  }
  if (wake) wake();
  return !closed();
}

void ResponseStream::close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool ResponseStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void ResponseStream::attach(std::function<void()> wake) {
  {
    std::lock_guard lock(mu_);
    wake_ = wake;
  }
  wake();  // whatever was written before the response went out
}

bool ResponseStream::take(std::string* out) {
  std::lock_guard lock(mu_);
  out->clear();
  out->swap(queue_);
  return !out->empty() || !closed_;
}

void ResponseStream::detach() {
  std::lock_guard lock(mu_);
  closed_ = true;
  queue_.clear();
  wake_ = nullptr;
}

std::string HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Beast's default is 8 KiB; SigV4 requests with long security tokens come close to that.
constexpr uint32_t kMaxHeaderBytes = 16 * 1024;
// After an error response the client may still be sending the rejected body; closing with
// unread input makes the kernel send RST, which can destroy the response before the client
// reads it. So the server stops sending, discards input for this long, then closes.
constexpr auto kLingerTimeout = std::chrono::seconds(1);
constexpr size_t kLingerReadBytes = size_t{16} * 1024;
// accept() fails while the process is out of descriptors; retrying at once would spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string error_body(std::string_view type, std::string_view message) {
  return json::Value::object({{json::Value::string("__type"), json::Value::string(type)},
                              {json::Value::string("message"), json::Value::string(message)}})
      .dump();
}

HttpResponse error_response(int status, std::string_view type, std::string_view message) {
  return HttpResponse{.status = status, .body = error_body(type, message)};
}

// "host:port", with brackets around IPv6 literals.
std::string address_text(std::string_view host, uint16_t port) {
  bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

// Shared by the server and every Responder, which may outlive the server: whether
// responses may still be delivered, and how many are owed.
struct Gate {
  std::mutex mu;
  std::condition_variable all_paid;   // owed reached 0
  int owed = 0;                       // guarded by mu: requests handed out, response not yet written
  bool open = true;                   // guarded by mu: false once the I/O threads may be gone
  std::atomic<bool> draining{false};  // stop() began: answer in-flight requests, then close

  void owe() {
    std::lock_guard lock(mu);
    ++owed;
  }
  void pay() {
    std::lock_guard lock(mu);
    if (--owed == 0) all_paid.notify_all();
  }
};

class Server;

// One client connection. Everything but the constructor runs on the connection's strand.
// Requests are read one at a time: the next is read only after the previous answer is
// written, which answers pipelined requests in order and bounds the memory a client can
// tie up to one request.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Server& server);

  asio::any_io_executor executor() { return stream_.get_executor(); }
  void start() { read_request(); }
  void deliver(HttpResponse response);
  void drain();  // stop() began: close unless a request is being answered
  void close();

 private:
  enum class Phase { kReading, kAwaiting, kWriting, kLingering, kStreaming, kClosed };

  void read_request();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void on_read_error(beast::error_code ec);
  void dispatch();
  void reject(int status, std::string_view type, std::string_view message);
  void write(HttpResponse response, bool close_after);
  void start_stream(HttpResponse response);
  void flush_stream();
  void watch_stream_client();
  void on_write(beast::error_code ec, bool close_after);
  void linger();
  void discard();
  void settle();

  Server& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::string remote_;
  Phase phase_ = Phase::kReading;
  bool owes_ = false;  // a Gate::owe() not yet paid
  // Streaming (phase kStreaming): the response's stream, the bytes being written, and
  // whether a write is in flight.
  std::shared_ptr<ResponseStream> stream_body_;
  std::string stream_out_;
  bool stream_writing_ = false;
  char stream_discard_[512];
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
};

// The state behind a Responder. All copies of the Responder share one Reply.
class Reply {
 public:
  Reply(std::shared_ptr<Gate> gate, std::weak_ptr<Connection> connection)
      : gate_(std::move(gate)), connection_(std::move(connection)) {}
  // A handler that drops its Responder would otherwise leave the client waiting forever
  // and stop() waiting out its grace period.
  ~Reply() { send(error_response(500, "InternalFailure", "The request handler returned no response")); }

  void send(HttpResponse response) {
    if (sent_.exchange(true)) return;
    // Under the lock so that stop() cannot tear the I/O threads down between the check
    // and the post.
    std::lock_guard lock(gate_->mu);
    if (!gate_->open) return;
    std::shared_ptr<Connection> connection = connection_.lock();
    if (!connection) return;
    asio::post(connection->executor(), [connection, response = std::move(response)]() mutable {
      connection->deliver(std::move(response));
    });
  }

 private:
  std::shared_ptr<Gate> gate_;
  std::weak_ptr<Connection> connection_;
  std::atomic<bool> sent_{false};
};

class Server {
 public:
  ~Server() { stop(); }

  Status start(const HttpServerOptions& options, Handler handler);
  uint16_t port() const { return port_; }
  void stop();

  const HttpServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  const std::shared_ptr<Gate>& gate() const { return gate_; }
  void forget(Connection* connection) {
    std::lock_guard lock(mu_);
    connections_.erase(connection);
  }

 private:
  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  std::vector<std::shared_ptr<Connection>> snapshot() {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Connection>> all;
    all.reserve(connections_.size());
    for (const auto& [key, connection] : connections_) all.push_back(connection);
    return all;
  }

  HttpServerOptions options_;
  Handler handler_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::mutex mu_;
  // Guarded by mu_. Owns each open connection: while a response is awaited nothing else
  // holds it (Responders hold weak references, so they never keep sockets past stop()).
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  // Declared after the connections so that it is destroyed first: handlers still queued
  // in it hold connections whose sockets belong to it.
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::acceptor acceptor_{asio::make_strand(io_)};
  asio::steady_timer retry_timer_{acceptor_.get_executor()};
  bool accepting_ = false;  // on the acceptor's strand
  std::vector<std::thread> threads_;
  std::mutex lifecycle_mu_;  // serialises start() and stop()
  bool running_ = false;     // guarded by lifecycle_mu_
  uint16_t port_ = 0;
};

// ---- Connection

Connection::Connection(tcp::socket socket, Server& server) : server_(server), stream_(std::move(socket)) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = address_text(peer.address().to_string(), peer.port());
}

void Connection::read_request() {
  phase_ = Phase::kReading;
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(server_.options().max_body_bytes);
  stream_.expires_after(server_.options().idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

void Connection::on_header(beast::error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) return on_read_error(ec);
  if (parser_->is_done()) return dispatch();
  // Clients that announce a body with "Expect: 100-continue" (curl does for large ones)
  // wait for this before sending it; without it they stall for a second.
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) return self->close();
                        self->read_body();
                      });
    return;
  }
  read_body();
}

void Connection::read_body() {
  stream_.expires_after(server_.options().idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
}

void Connection::on_body(beast::error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) return on_read_error(ec);
  dispatch();
}

void Connection::on_read_error(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return reject(
        413, "RequestEntityTooLarge",
        "Request body exceeds the limit of " + std::to_string(server_.options().max_body_bytes) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return reject(431, "RequestHeaderFieldsTooLarge",
                  "Request header exceeds the limit of " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  // Other parser errors mean the bytes were not HTTP; these three mean the client left
  // (between requests or in the middle of one), where nobody would read an answer.
  bool parse_error = ec.category() == make_error_code(http::error::bad_method).category() &&
                     ec != http::error::end_of_stream && ec != http::error::partial_message &&
                     ec != http::error::short_read;
  if (parse_error) return reject(400, "BadRequest", "Malformed HTTP request: " + ec.message());
  close();  // timeout, reset, aborted by close()
}

void Connection::dispatch() {
  http::request<http::string_body> message = parser_->release();
  parser_.reset();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.headers.reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote = remote_;
  keep_alive_ = message.keep_alive();
  head_ = message.method() == http::verb::head;
  version_ = message.version();

  phase_ = Phase::kAwaiting;
  stream_.expires_never();  // a long poll may hold the answer for a minute or more
  server_.gate()->owe();
  owes_ = true;
  auto reply = std::make_shared<Reply>(server_.gate(), weak_from_this());
  try {
    server_.handler()(std::move(request),
                      [reply](HttpResponse response) { reply->send(std::move(response)); });
  } catch (const std::exception& e) {
    reply->send(
        error_response(500, "InternalFailure", std::string("The request handler failed: ") + e.what()));
  } catch (...) {
    reply->send(error_response(500, "InternalFailure", "The request handler failed"));
  }
}

void Connection::deliver(HttpResponse response) {
  if (phase_ != Phase::kAwaiting) return;  // the connection closed meanwhile
  write(std::move(response), !keep_alive_);
}

void Connection::reject(int status, std::string_view type, std::string_view message) {
  parser_.reset();
  head_ = false;
  version_ = 11;
  write(error_response(status, type, message), true);
}

void Connection::write(HttpResponse response, bool close_after) {
  if (response.stream && response.status >= 200 && response.status <= 599 && !head_) {
    return start_stream(std::move(response));
  }
  if (response.stream) response.stream->close();  // HEAD or a bad status: nobody reads it
  if (response.status < 200 || response.status > 599) {
    response = error_response(500, "InternalFailure",
                              "The request handler answered with status " + std::to_string(response.status));
  }
  close_after = close_after || server_.gate()->draining.load();
  http::response<http::string_body> res;
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  res.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) {
    // Framing is the server's job: a handler's length or encoding could desynchronise the
    // connection.
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding")) continue;
    if (beast::iequals(name, "connection")) {
      if (beast::iequals(value, "close")) close_after = true;
      continue;
    }
    res.insert(name, value);
  }
  res.keep_alive(!close_after);
  if (!close_after && version_ == 10) res.set(http::field::connection, "keep-alive");
  if (response.status == 204 || response.status == 304) {
    // These carry no body and no length (RFC 9110 section 8.6).
  } else if (head_) {
    res.content_length(response.body.size());
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  response_ = std::move(res);

  phase_ = Phase::kWriting;
  stream_.expires_after(server_.options().idle_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), close_after](beast::error_code ec, size_t) {
                      self->on_write(ec, close_after);
                    });
}

void Connection::on_write(beast::error_code ec, bool close_after) {
  if (phase_ == Phase::kClosed) return;
  response_ = {};
  settle();
  if (ec) return close();
  // Draining may have begun while this was written; the connection is idle from here on.
  if (close_after || server_.gate()->draining) return linger();
  read_request();
}

void Connection::start_stream(HttpResponse response) {
  phase_ = Phase::kStreaming;
  stream_body_ = std::move(response.stream);
  // The body ends when the connection closes, so no length and no keep-alive.
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " ";
  beast::string_view reason = http::obsolete_reason(static_cast<http::status>(response.status));
  head.append(reason.data(), reason.size());
  head.append("\r\nContent-Type: ").append(response.content_type).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
        beast::iequals(name, "connection"))
      continue;
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head += "Connection: close\r\n\r\n";
  stream_out_ = std::move(head);
  settle();  // answered: stop() does not wait for a stream to end
  stream_.expires_never();
  stream_writing_ = true;
  asio::async_write(stream_, asio::buffer(stream_out_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (self->phase_ == Phase::kClosed) return;
                      self->stream_writing_ = false;
                      if (ec) return self->close();
                      std::weak_ptr<Connection> weak = self;
                      auto executor = self->executor();
                      self->stream_body_->attach([weak, executor] {
                        if (auto c = weak.lock()) asio::post(executor, [c] { c->flush_stream(); });
                      });
                      self->watch_stream_client();
                    });
}

void Connection::flush_stream() {
  if (phase_ != Phase::kStreaming || stream_writing_) return;
  if (!stream_body_->take(&stream_out_)) return close();  // closed and fully sent
  if (stream_out_.empty()) return;
  stream_writing_ = true;
  asio::async_write(stream_, asio::buffer(stream_out_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (self->phase_ == Phase::kClosed) return;
                      self->stream_writing_ = false;
                      if (ec) return self->close();
                      self->flush_stream();
                    });
}

// A streaming client sends nothing more; a read completes when it goes away.
void Connection::watch_stream_client() {
  stream_.async_read_some(asio::buffer(stream_discard_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (self->phase_ == Phase::kClosed) return;
                            if (ec) return self->close();
                            self->watch_stream_client();
                          });
}

void Connection::linger() {
  phase_ = Phase::kLingering;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTimeout);  // one deadline for all the reads of discard()
  discard();
}

void Connection::discard() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kLingerReadBytes),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (self->phase_ == Phase::kClosed) return;
                            if (ec) return self->close();  // end of input, timeout or reset
                            self->discard();
                          });
}

void Connection::drain() {
  if (phase_ == Phase::kReading || phase_ == Phase::kLingering || phase_ == Phase::kStreaming) close();
}

void Connection::settle() {
  if (!owes_) return;
  owes_ = false;
  server_.gate()->pay();
}

void Connection::close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  settle();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  parser_.reset();
  response_ = {};
  if (stream_body_) stream_body_->detach();
  // Every caller holds a reference of its own, so this does not destroy *this.
  server_.forget(this);
}

// ---- Server

Status Server::start(const HttpServerOptions& options, Handler handler) {
  std::lock_guard lifecycle(lifecycle_mu_);
  if (!threads_.empty()) {
    return Status::Fail("LISTEN", "The HTTP server was already started");
  }
  options_ = options;
  handler_ = std::move(handler);
  const std::string where = address_text(options_.host, options_.port);

  beast::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return Status::Fail("LISTEN", "Cannot resolve " + where + ": " + ec.message());
  for (const auto& entry : endpoints) {
    acceptor_.close(ec);
    if (acceptor_.open(entry.endpoint().protocol(), ec)) continue;
    // Lets a restarted server bind while connections of the previous one are in TIME_WAIT.
    if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec)) continue;
    if (acceptor_.bind(entry.endpoint(), ec)) continue;
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) continue;
    break;
  }
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Status::Fail("LISTEN", "Cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();

  work_.emplace(io_.get_executor());
  accepting_ = true;
  accept();
  int threads = std::max(1, options_.io_threads);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  running_ = true;
  return Status::Ok();
}

void Server::accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void Server::on_accept(beast::error_code ec, tcp::socket socket) {
  if (!accepting_) return;  // stop() closed the acceptor; a socket accepted just before is dropped
  if (ec) {
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](beast::error_code ec) {
      if (!ec && accepting_) accept();
    });
    return;
  }
  auto connection = std::make_shared<Connection>(std::move(socket), *this);
  {
    std::lock_guard lock(mu_);
    connections_.emplace(connection.get(), connection);
  }
  asio::dispatch(connection->executor(), [connection] { connection->start(); });
  accept();
}

void Server::stop() {
  std::lock_guard lifecycle(lifecycle_mu_);
  if (!running_) return;
  running_ = false;

  // 1. No new connections. The acceptor is only touched on its strand, so close it there
  // and wait: afterwards no connection can be added.
  std::promise<void> closed;
  asio::post(acceptor_.get_executor(), [this, &closed] {
    accepting_ = false;
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    closed.set_value();
  });
  closed.get_future().wait();

  // 2. Let the requests in flight be answered, up to the grace period. Idle connections
  // close now; the others close once their answer is written.
  gate_->draining = true;
  for (auto& connection : snapshot()) {
    asio::post(connection->executor(), [connection] { connection->drain(); });
  }
  {
    std::unique_lock lock(gate_->mu);
    gate_->all_paid.wait_for(lock, options_.shutdown_grace, [this] { return gate_->owed == 0; });
    gate_->open = false;  // Responders called from now on do nothing
  }

  // 3. Close the rest. With no socket, timer or acceptor left, run() returns.
  for (auto& connection : snapshot()) {
    asio::post(connection->executor(), [connection] { connection->close(); });
  }
  work_.reset();
  for (auto& thread : threads_) thread.join();
  std::lock_guard lock(mu_);
  connections_.clear();
}

}  // namespace

struct HttpServer::Impl {
  Server server;
};

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}
HttpServer::~HttpServer() = default;

Status HttpServer::start(const HttpServerOptions& options, Handler handler) {
  return impl_->server.start(options, std::move(handler));
}

uint16_t HttpServer::port() const { return impl_->server.port(); }

void HttpServer::stop() { impl_->server.stop(); }

}  // namespace sg::server
