#include <string>

#include "catch.hpp"
#include "core/remote_line.hpp"

using lxhost::terminal_type;

TEST_CASE("the terminal type a remote PTY asks for is $TERM's, when it is one", "[remote_line]") {
  CHECK(terminal_type("xterm-256color") == "xterm-256color");
  CHECK(terminal_type("screen.xterm-256color") == "screen.xterm-256color");
  CHECK(terminal_type(std::nullopt) == "xterm");
  CHECK(terminal_type("") == "xterm");
  CHECK(terminal_type("xterm 256") == "xterm");     // no terminal type has a space
  CHECK(terminal_type("vt100\x1b]0;") == "xterm");  // nor a control character
  CHECK(terminal_type("t\xc3\xa9rm") == "xterm");   // nor a byte outside ASCII
  CHECK(terminal_type(std::string(255, 'x')) == std::string(255, 'x'));
  CHECK(terminal_type(std::string(256, 'x')) == "xterm");  // would not fit the PTY request
}
