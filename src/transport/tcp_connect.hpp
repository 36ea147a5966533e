// TCP connections lxhost opens itself (for `.local` names resolved by mDNS), bounded.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lxhost {

// One connect to a numeric address, waited for until `deadline`: a blocking socket with
// TCP_NODELAY, or -1 with `why` set (strerror's text; ETIMEDOUT's when the deadline passed).
int connect_address(const std::string& address, unsigned port, std::chrono::steady_clock::time_point deadline,
                    std::string& why);

// Connects to the first address that accepts, in the order given (IPv4 first by the caller),
// all within `timeout`. Returns a blocking socket with TCP_NODELAY. Throws ConnectError naming
// `name` and what each address answered.
int connect_first(const std::vector<std::string>& addresses, unsigned port, std::chrono::milliseconds timeout,
                  const std::string& name);

// Joins stdin and stdout to a connected socket until both directions reached EOF (stdin's EOF
// becomes shutdown(SHUT_WR); the socket's EOF closes stdout and ends it, as a peer that closed
// can take no more) or the socket fails. Closes `fd`.
void join_stdio(int fd);

// The system resolver's addresses for `name` (getaddrinfo), IPv4 first; empty when none.
std::vector<std::string> system_addresses(const std::string& name);
// The same within `bound` (getaddrinfo has no timeout of its own: nss-mdns waits ~5 s for a
// `.local` name nobody announces, DNS longer); nullopt when it did not answer in time.
std::optional<std::vector<std::string>> system_addresses_within(const std::string& name,
                                                                std::chrono::milliseconds bound);

}  // namespace lxhost
