// Catch2 v2 (Debian 12) or v3 (Homebrew): tests include this, never Catch2 directly.
#pragma once
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#include <string>
// v2's substring matcher under its v2 name, so the tests read the same with both.
namespace Catch {
inline auto Contains(const std::string& text) { return Catch::Matchers::ContainsSubstring(text); }
}  // namespace Catch
#else
#include <catch2/catch.hpp>
#endif
