#include "core/http_framing.hpp"

#include "core/errors.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <fmt/format.h>

#include <optional>

namespace lxhost {

namespace http = boost::beast::http;

namespace {

bool fits_request_line(std::string_view word) {
  return !word.empty() && word.find_first_of(" \r\n") == std::string_view::npos;
}

[[noreturn]] void not_http(std::string_view why) {
  throw Error(exit_code::failure, fmt::format("LXD's answer is not an HTTP/1.1 response: {}", why));
}

}  // namespace

std::string render_request(const HttpRequest& request) {
  if (!fits_request_line(request.method) || !fits_request_line(request.target))
    throw Error(exit_code::failure, fmt::format("cannot send the HTTP request '{} {}'", request.method, request.target));
  std::string bytes = fmt::format("{} {} HTTP/1.1\r\nHost: lxd\r\nUser-Agent: lxhost\r\n", request.method, request.target);
  if (!request.body.empty()) bytes += "Content-Type: application/json\r\n";
  // Content-Length: 0 on a POST without a body as well (LXD's server wants a length to read).
  if (!request.body.empty() || request.method != "GET")
    bytes += fmt::format("Content-Length: {}\r\n", request.body.size());
  bytes += "\r\n";
  bytes += request.body;
  return bytes;
}

struct HttpResponseReader::State {
  explicit State(std::size_t limit) : max_body(limit) {}
  std::size_t max_body;
  http::response_parser<http::string_body> parser;
  std::string pending;  // bytes the parser has not taken yet (a header cut in two, say)
  std::optional<HttpResponse> response;
};

HttpResponseReader::HttpResponseReader(std::size_t max_body) : state_(std::make_unique<State>(max_body)) {
  state_->parser.eager(true);
  state_->parser.body_limit(max_body);
  state_->parser.header_limit(64 * 1024);
}

HttpResponseReader::~HttpResponseReader() = default;
HttpResponseReader::HttpResponseReader(HttpResponseReader&&) noexcept = default;
HttpResponseReader& HttpResponseReader::operator=(HttpResponseReader&&) noexcept = default;

bool HttpResponseReader::feed(std::string_view bytes) {
  if (state_->response) {
    if (!bytes.empty()) not_http("more bytes after the response");
    return true;
  }
  auto& parser = state_->parser;
  state_->pending.append(bytes);
  std::string_view rest = state_->pending;
  while (!rest.empty() && !parser.is_done()) {
    boost::beast::error_code error;
    const std::size_t taken = parser.put(boost::asio::buffer(rest.data(), rest.size()), error);
    rest.remove_prefix(taken);
    if (error == http::error::need_more) break;
    if (error) not_http(error.message());
    // Beast holds chunked bodies and bodies to the stream's end to body_limit, not a
    // Content-Length above it.
    if (parser.is_header_done() && parser.content_length() && *parser.content_length() > state_->max_body)
      not_http(fmt::format("a body of {} bytes, more than the {} lxhost reads", *parser.content_length(), state_->max_body));
  }
  if (parser.is_done() && !rest.empty()) not_http("more bytes after the response");
  state_->pending.erase(0, state_->pending.size() - rest.size());
  if (!parser.is_done()) return false;
  const auto& message = parser.get();
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  response.reason = std::string(message.reason());
  if (const auto type = message.find(http::field::content_type); type != message.end())
    response.content_type = std::string(type->value());
  response.body = message.body();
  state_->response = std::move(response);
  return true;
}

bool HttpResponseReader::finish() {
  if (state_->response) return true;
  if (!state_->pending.empty()) return false;  // a header or a chunk cut off
  boost::beast::error_code error;
  state_->parser.put_eof(error);
  if (error) return false;
  return feed({});
}

bool HttpResponseReader::done() const { return state_->response.has_value(); }

const HttpResponse& HttpResponseReader::response() const {
  if (!state_->response) throw Error(exit_code::failure, "LXD's answer has not fully come");
  return *state_->response;
}

}  // namespace lxhost
