// HTTP/1.1 framing for LXD's REST API, which lxhost reaches over an SSH channel to the host's
// unix socket (a byte stream, not a socket of the laptop's): a request rendered to bytes, and a
// response read back from bytes as they come, chunked bodies included. The parsing is Boost.Beast's
// (its parser takes bytes from anywhere); this only feeds it. Pure: no I/O.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace lxhost {

struct HttpRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string target;  // "/1.0/instances?recursion=1"
  std::string body;    // JSON, or empty (then no Content-Type)
};

// The request's bytes: HTTP/1.1 to host "lxd", the body with its Content-Length and
// Content-Type: application/json. Throws Error for a method or target that cannot go on the
// request line (a space, CR or LF in it).
std::string render_request(const HttpRequest& request);

struct HttpResponse {
  int status = 0;      // 200, 404, ...
  std::string reason;  // "OK"
  std::string content_type;
  std::string body;    // de-chunked
};

// Reads one response from the bytes fed to it, in pieces of any size.
class HttpResponseReader {
 public:
  // A body longer than max_body is an error (a host that sends without end fills no memory).
  explicit HttpResponseReader(std::size_t max_body = std::size_t{64} << 20);
  ~HttpResponseReader();
  HttpResponseReader(HttpResponseReader&&) noexcept;
  HttpResponseReader& operator=(HttpResponseReader&&) noexcept;

  // Takes the next bytes. True once the whole response has come; bytes after it are an error
  // (one request, one response). Throws Error for bytes that are not an HTTP/1.1 response.
  bool feed(std::string_view bytes);
  // The stream ended: true when that completes the response (a body that runs to the end of the
  // stream), false when the response has not fully come (cut off).
  bool finish();
  bool done() const;
  // The response; only once done().
  const HttpResponse& response() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lxhost
