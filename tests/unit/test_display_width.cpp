#include "catch.hpp"

#include "core/display_width.hpp"
#include "core/text_table.hpp"

using namespace lxhost;

TEST_CASE("display_width: columns, not bytes or code points", "[display_width]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("web2") == 4);
  CHECK(display_width("caf\xC3\xA9") == 4);                       // é: 2 bytes, 1 column
  CHECK(display_width("\xE2\x86\x92") == 1);                      // →: 3 bytes, 1 column
  CHECK(display_width("\xE6\x97\xA5\xE6\x9C\xAC") == 4);          // 日本: wide
  CHECK(display_width("\xEC\xBB\xA8\xED\x85\x8C\xEC\x9D\xB4\xEB\x84\x88") == 8);  // 컨테이너: Hangul
  CHECK(display_width("\xEF\xBC\xA1") == 2);                      // Ａ: fullwidth
  CHECK(display_width("\xF0\x9F\x90\xB3") == 2);                  // 🐳: emoji
  CHECK(display_width("e\xCC\x81") == 1);                         // e + combining acute
  CHECK(display_width("a\xE2\x80\x8B" "b") == 2);                 // a, zero-width space, b
  CHECK(display_width("\xF0\xA0\x80\x80") == 2);                  // U+20000, CJK extension B
  CHECK(display_width("\xFF\xFE") == 2);                          // invalid bytes: one column each
  CHECK(display_width("\xE6\x97") == 2);                          // a cut sequence: its bytes
}

TEST_CASE("render_table: aligned by display width, control characters escaped and counted as shown",
          "[display_width]") {
  SECTION("wide and combining names") {
    const std::string text = render_table({{"NAME", "STATE"},
                                           {"\xE6\x97\xA5\xE6\x9C\xAC", "RUNNING"},
                                           {"e\xCC\x81t\xC3\xA9", "STOPPED"},
                                           {"web", "-"}});
    CHECK(text ==
          "NAME  STATE\n"
          "\xE6\x97\xA5\xE6\x9C\xAC  RUNNING\n"
          "e\xCC\x81t\xC3\xA9   STOPPED\n"
          "web   -\n");
  }
  SECTION("an escape sequence is shown escaped, its width as shown") {
    const std::string text = render_table({{"NAME", "TYPE"}, {"\x1b[31mred", "_ssh._tcp"}, {"a\tb", "x"}});
    CHECK(text ==
          "NAME         TYPE\n"
          "\\x1b[31mred  _ssh._tcp\n"
          "a\\tb         x\n");
  }
  SECTION("a backslash is escaped once") {
    CHECK(render_table({{"a\\b", "c"}}) == "a\\\\b  c\n");
  }
}
