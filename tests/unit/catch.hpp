// Catch2 v2 (Debian 12) or v3 (Homebrew): tests include this, never Catch2 directly.
#pragma once
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
