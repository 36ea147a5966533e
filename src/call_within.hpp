// A call that may block with no bound of its own (a D-Bus call to a hung daemon, getaddrinfo),
// run on a thread of its own and waited for at most `bound`. Past that the thread is left to
// end or hang by itself (it owns everything it uses): the caller goes on, and the process never
// waits for it.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

namespace lxhost {

// `call` started on a thread of its own, which must own everything it uses: its result (or what
// it threw) comes through the future, which the caller may wait for or drop. The process never
// waits for the thread.
template <class Call>
auto call_detached(Call call) -> std::future<decltype(call())> {
  using Result = decltype(call());
  auto task = std::make_shared<std::packaged_task<Result()>>(std::move(call));
  std::future<Result> result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  return result;
}

// What `call` returned (what it threw is rethrown), or nullopt when it took longer than `bound`.
template <class Call>
auto call_within(std::chrono::milliseconds bound, Call call) -> std::optional<decltype(call())> {
  auto result = call_detached(std::move(call));
  if (result.wait_for(bound) != std::future_status::ready) return std::nullopt;
  return result.get();
}

}  // namespace lxhost
