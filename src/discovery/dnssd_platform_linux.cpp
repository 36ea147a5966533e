// Avahi's Bonjour compatibility library (libdns_sd, Debian 12's avahi 0.8) allocates each
// DNSServiceRef with avahi_new(), which does not zero it, and sets only the callback of the
// call that made it. When the daemon goes away (a restart), its client callback calls the
// first of those callbacks that is not NULL: for a DNSServiceResolve or DNSServiceQueryRecord
// ref, an uninitialised pointer (a crash, measured under ASan; upstream fixed it after 0.8, in
// avahi/avahi#569, by allocating with avahi_new0). Giving Avahi an allocator that zeroes what it
// allocates makes those pointers NULL, as upstream's fix does.
#include <avahi-common/malloc.h>

#include <cstdlib>

#include "discovery/dnssd_platform.hpp"

namespace lxhost::mdns {
namespace {

void* zeroed_malloc(size_t size) { return std::calloc(1, size); }
void plain_free(void* p) { std::free(p); }
void* plain_realloc(void* p, size_t size) { return std::realloc(p, size); }
void* plain_calloc(size_t count, size_t size) { return std::calloc(count, size); }

// Every function is libc's, so memory allocated before this was set is freed correctly.
const AvahiAllocator zeroing_allocator = {zeroed_malloc, plain_free, plain_realloc, plain_calloc};

}  // namespace

void prepare_dnssd_library() {
  // Only when unset: a user who wants the library's warning can still ask for it.
  setenv("AVAHI_COMPAT_NOWARN", "1", 0);
  avahi_set_allocator(&zeroing_allocator);
}

const char* dnssd_daemon() { return "the Avahi daemon"; }

}  // namespace lxhost::mdns
