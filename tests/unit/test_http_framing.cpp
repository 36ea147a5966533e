#include <string>
#include <string_view>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/http_framing.hpp"

using lxhost::Error;
using lxhost::HttpRequest;
using lxhost::HttpResponseReader;
using lxhost::render_request;

namespace {

// Feeds `bytes` in pieces of `step` bytes; true when the reader says the response is whole.
bool feed_in_steps(HttpResponseReader& reader, std::string_view bytes, std::size_t step) {
  bool whole = false;
  for (std::size_t at = 0; at < bytes.size(); at += step) whole = reader.feed(bytes.substr(at, step));
  return whole;
}

const std::string kChunked =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "7\r\n{\"type\"\r\n"
    "d\r\n:\"sync\",\"x\":1\r\n"
    "1\r\n}\r\n"
    "0\r\n\r\n";

}  // namespace

TEST_CASE("render_request: HTTP/1.1 to host lxd, a JSON body with its length", "[http_framing]") {
  CHECK(render_request({"GET", "/1.0/instances?recursion=1", ""}) ==
        "GET /1.0/instances?recursion=1 HTTP/1.1\r\nHost: lxd\r\nUser-Agent: lxhost\r\n\r\n");
  CHECK(render_request({"POST", "/1.0/instances/web/exec", "{\"a\":1}"}) ==
        "POST /1.0/instances/web/exec HTTP/1.1\r\nHost: lxd\r\nUser-Agent: lxhost\r\n"
        "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  CHECK(render_request({"DELETE", "/1.0/instances/web", ""}) ==
        "DELETE /1.0/instances/web HTTP/1.1\r\nHost: lxd\r\nUser-Agent: lxhost\r\nContent-Length: 0\r\n\r\n");
  for (const HttpRequest& bad : {HttpRequest{"GET", "/1.0/a b", ""}, HttpRequest{"GET", "/x\r\nEvil: 1", ""},
                                 HttpRequest{"", "/1.0", ""}, HttpRequest{"GET", "", ""}}) {
    INFO(bad.method << " " << bad.target);
    CHECK_THROWS_AS(render_request(bad), Error);
  }
}

TEST_CASE("HttpResponseReader: a chunked body, fed in pieces of every size, comes out whole", "[http_framing]") {
  for (std::size_t step = 1; step <= kChunked.size(); ++step) {
    INFO("pieces of " << step);
    HttpResponseReader reader;
    CHECK(feed_in_steps(reader, kChunked, step));
    REQUIRE(reader.done());
    CHECK(reader.response().status == 200);
    CHECK(reader.response().reason == "OK");
    CHECK(reader.response().content_type == "application/json");
    CHECK(reader.response().body == "{\"type\":\"sync\",\"x\":1}");
  }
}

TEST_CASE("HttpResponseReader: Content-Length, an empty body, and not done before the last byte", "[http_framing]") {
  const std::string sized = "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nabcde";
  HttpResponseReader reader;
  CHECK_FALSE(reader.feed(sized.substr(0, sized.size() - 1)));
  CHECK_FALSE(reader.done());
  CHECK_THROWS_AS(reader.response(), Error);
  CHECK(reader.feed(sized.substr(sized.size() - 1)));
  CHECK(reader.response().status == 404);
  CHECK(reader.response().body == "abcde");
  CHECK(reader.response().content_type.empty());

  HttpResponseReader empty;
  CHECK(empty.feed("HTTP/1.1 204 No Content\r\n\r\n"));
  CHECK(empty.response().body.empty());
}

TEST_CASE("HttpResponseReader: a body that runs to the end of the stream, and one cut off", "[http_framing]") {
  HttpResponseReader to_end;
  CHECK_FALSE(to_end.feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of "));
  CHECK_FALSE(to_end.feed("it"));
  CHECK(to_end.finish());
  CHECK(to_end.response().body == "all of it");

  HttpResponseReader cut;
  CHECK_FALSE(cut.feed(kChunked.substr(0, 40)));
  CHECK_FALSE(cut.finish());
  CHECK_FALSE(cut.done());

  HttpResponseReader short_body;
  CHECK_FALSE(short_body.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
  CHECK_FALSE(short_body.finish());

  HttpResponseReader half_header;
  CHECK_FALSE(half_header.feed("HTTP/1.1 200 OK\r\nContent-Le"));
  CHECK_FALSE(half_header.finish());
}

TEST_CASE("HttpResponseReader: what is not an HTTP/1.1 response is an error, and so is a body over the limit",
          "[http_framing]") {
  HttpResponseReader garbage;
  CHECK_THROWS_AS(garbage.feed("SSH-2.0-OpenSSH_9.2\r\n\r\n"), Error);

  HttpResponseReader bad_chunk;
  CHECK_THROWS_AS(bad_chunk.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), Error);

  HttpResponseReader limited(4);
  CHECK_THROWS_AS(limited.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), Error);
  HttpResponseReader limited_chunks(4);
  CHECK_THROWS_AS(limited_chunks.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n"),
                  Error);
  HttpResponseReader limited_to_end(4);
  CHECK_THROWS_AS(limited_to_end.feed("HTTP/1.1 200 OK\r\n\r\nabcdefg"), Error);

  HttpResponseReader extra;
  CHECK_THROWS_AS(extra.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1"), Error);
  HttpResponseReader after;
  CHECK(after.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"));
  CHECK_THROWS_AS(after.feed("x"), Error);
  CHECK(after.feed(""));
}
