// Avahi's client library and its Bonjour compatibility library, loaded when mDNS is first used
// rather than when lxhost starts. Linked directly, they bring D-Bus, libsystemd and its
// compression and crypto libraries into every invocation: about 10 ms and 0.9 MiB of each
// command and TAB, most of which never ask mDNS anything. Each function below has the library's
// own name and signature (the compiler checks them against the headers); the first call loads
// the libraries and resolves every function, or throws MdnsUnavailable naming what is missing.
// The executable exports none of these names, so the libraries still call their own.
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/address.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/strlst.h>
#include <avahi-common/thread-watch.h>
#include <dlfcn.h>
#include <dns_sd.h>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "discovery/dnssd_platform.hpp"

namespace lxhost::mdns {
namespace {

struct Api {
  decltype(&::avahi_address_parse) address_parse;
  decltype(&::avahi_client_errno) client_errno;
  decltype(&::avahi_client_free) client_free;
  decltype(&::avahi_client_get_state) client_get_state;
  decltype(&::avahi_client_new) client_new;
  decltype(&::avahi_entry_group_add_address) entry_group_add_address;
  decltype(&::avahi_entry_group_commit) entry_group_commit;
  decltype(&::avahi_entry_group_free) entry_group_free;
  decltype(&::avahi_entry_group_get_client) entry_group_get_client;
  decltype(&::avahi_entry_group_new) entry_group_new;
  decltype(&::avahi_entry_group_reset) entry_group_reset;
  decltype(&::avahi_host_name_resolver_free) host_name_resolver_free;
  decltype(&::avahi_host_name_resolver_new) host_name_resolver_new;
  decltype(&::avahi_record_browser_free) record_browser_free;
  decltype(&::avahi_record_browser_new) record_browser_new;
  decltype(&::avahi_service_browser_free) service_browser_free;
  decltype(&::avahi_service_browser_get_client) service_browser_get_client;
  decltype(&::avahi_service_browser_new) service_browser_new;
  decltype(&::avahi_service_resolver_free) service_resolver_free;
  decltype(&::avahi_service_resolver_get_client) service_resolver_get_client;
  decltype(&::avahi_service_resolver_new) service_resolver_new;
  decltype(&::avahi_set_allocator) set_allocator;
  decltype(&::avahi_simple_poll_free) simple_poll_free;
  decltype(&::avahi_simple_poll_get) simple_poll_get;
  decltype(&::avahi_simple_poll_iterate) simple_poll_iterate;
  decltype(&::avahi_simple_poll_new) simple_poll_new;
  decltype(&::avahi_strerror) strerror;
  decltype(&::avahi_string_list_serialize) string_list_serialize;
  decltype(&::avahi_threaded_poll_free) threaded_poll_free;
  decltype(&::avahi_threaded_poll_get) threaded_poll_get;
  decltype(&::avahi_threaded_poll_new) threaded_poll_new;
  decltype(&::avahi_threaded_poll_start) threaded_poll_start;
  decltype(&::avahi_threaded_poll_stop) threaded_poll_stop;
  decltype(&::DNSServiceBrowse) browse;
  decltype(&::DNSServiceCreateConnection) create_connection;
  decltype(&::DNSServiceProcessResult) process_result;
  decltype(&::DNSServiceQueryRecord) query_record;
  decltype(&::DNSServiceRefDeallocate) ref_deallocate;
  decltype(&::DNSServiceRefSockFD) ref_sock_fd;
  decltype(&::DNSServiceRegisterRecord) register_record;
  decltype(&::DNSServiceRemoveRecord) remove_record;
  decltype(&::DNSServiceResolve) resolve;
};

void* open_library(const char* name) {
  void* handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    throw MdnsUnavailable(fmt::format("cannot load {}: {}", name, why ? why : "unknown error"),
                          "install Avahi's client libraries (Debian: libavahi-client3, libavahi-compat-libdnssd1)");
  }
  return handle;
}

template <typename F>
void find(void* handle, const char* library, const char* name, F& function) {
  void* symbol = ::dlsym(handle, name);
  if (!symbol) throw MdnsUnavailable(fmt::format("{} has no {}", library, name));
  function = reinterpret_cast<F>(symbol);
}

Api load() {
  constexpr const char* kCommon = "libavahi-common.so.3";
  constexpr const char* kClient = "libavahi-client.so.3";
  constexpr const char* kDnssd = "libdns_sd.so.1";
  void* common = open_library(kCommon);
  void* client = open_library(kClient);
  void* dnssd = open_library(kDnssd);
  Api api{};
  find(common, kCommon, "avahi_address_parse", api.address_parse);
  find(common, kCommon, "avahi_set_allocator", api.set_allocator);
  find(common, kCommon, "avahi_simple_poll_free", api.simple_poll_free);
  find(common, kCommon, "avahi_simple_poll_get", api.simple_poll_get);
  find(common, kCommon, "avahi_simple_poll_iterate", api.simple_poll_iterate);
  find(common, kCommon, "avahi_simple_poll_new", api.simple_poll_new);
  find(common, kCommon, "avahi_strerror", api.strerror);
  find(common, kCommon, "avahi_string_list_serialize", api.string_list_serialize);
  find(common, kCommon, "avahi_threaded_poll_free", api.threaded_poll_free);
  find(common, kCommon, "avahi_threaded_poll_get", api.threaded_poll_get);
  find(common, kCommon, "avahi_threaded_poll_new", api.threaded_poll_new);
  find(common, kCommon, "avahi_threaded_poll_start", api.threaded_poll_start);
  find(common, kCommon, "avahi_threaded_poll_stop", api.threaded_poll_stop);
  find(client, kClient, "avahi_client_errno", api.client_errno);
  find(client, kClient, "avahi_client_free", api.client_free);
  find(client, kClient, "avahi_client_get_state", api.client_get_state);
  find(client, kClient, "avahi_client_new", api.client_new);
  find(client, kClient, "avahi_entry_group_add_address", api.entry_group_add_address);
  find(client, kClient, "avahi_entry_group_commit", api.entry_group_commit);
  find(client, kClient, "avahi_entry_group_free", api.entry_group_free);
  find(client, kClient, "avahi_entry_group_get_client", api.entry_group_get_client);
  find(client, kClient, "avahi_entry_group_new", api.entry_group_new);
  find(client, kClient, "avahi_entry_group_reset", api.entry_group_reset);
  find(client, kClient, "avahi_host_name_resolver_free", api.host_name_resolver_free);
  find(client, kClient, "avahi_host_name_resolver_new", api.host_name_resolver_new);
  find(client, kClient, "avahi_record_browser_free", api.record_browser_free);
  find(client, kClient, "avahi_record_browser_new", api.record_browser_new);
  find(client, kClient, "avahi_service_browser_free", api.service_browser_free);
  find(client, kClient, "avahi_service_browser_get_client", api.service_browser_get_client);
  find(client, kClient, "avahi_service_browser_new", api.service_browser_new);
  find(client, kClient, "avahi_service_resolver_free", api.service_resolver_free);
  find(client, kClient, "avahi_service_resolver_get_client", api.service_resolver_get_client);
  find(client, kClient, "avahi_service_resolver_new", api.service_resolver_new);
  find(dnssd, kDnssd, "DNSServiceBrowse", api.browse);
  find(dnssd, kDnssd, "DNSServiceCreateConnection", api.create_connection);
  find(dnssd, kDnssd, "DNSServiceProcessResult", api.process_result);
  find(dnssd, kDnssd, "DNSServiceQueryRecord", api.query_record);
  find(dnssd, kDnssd, "DNSServiceRefDeallocate", api.ref_deallocate);
  find(dnssd, kDnssd, "DNSServiceRefSockFD", api.ref_sock_fd);
  find(dnssd, kDnssd, "DNSServiceRegisterRecord", api.register_record);
  find(dnssd, kDnssd, "DNSServiceRemoveRecord", api.remove_record);
  find(dnssd, kDnssd, "DNSServiceResolve", api.resolve);
  return api;  // the libraries stay loaded for the life of the process
}

// Loaded by the first call, before any callback of the libraries can run: so a failure throws
// into lxhost's own code, never through the libraries' C frames.
const Api& api() {
  static const Api loaded = load();
  return loaded;
}

}  // namespace

void load_mdns_libraries() noexcept {
  try {
    (void)api();
  } catch (const std::exception&) {  // the first call that needs them says what is missing
  }
}

}  // namespace lxhost::mdns

using lxhost::mdns::api;

extern "C" {

AvahiAddress* avahi_address_parse(const char* s, AvahiProtocol af, AvahiAddress* ret_addr) {
  return api().address_parse(s, af, ret_addr);
}
int avahi_client_errno(AvahiClient* client) { return api().client_errno(client); }
void avahi_client_free(AvahiClient* client) { api().client_free(client); }
AvahiClientState avahi_client_get_state(AvahiClient* client) { return api().client_get_state(client); }
AvahiClient* avahi_client_new(const AvahiPoll* poll_api, AvahiClientFlags flags, AvahiClientCallback callback,
                              void* userdata, int* error) {
  return api().client_new(poll_api, flags, callback, userdata, error);
}
int avahi_entry_group_add_address(AvahiEntryGroup* group, AvahiIfIndex interface, AvahiProtocol protocol,
                                  AvahiPublishFlags flags, const char* name, const AvahiAddress* a) {
  return api().entry_group_add_address(group, interface, protocol, flags, name, a);
}
int avahi_entry_group_commit(AvahiEntryGroup* group) { return api().entry_group_commit(group); }
int avahi_entry_group_free(AvahiEntryGroup* group) { return api().entry_group_free(group); }
AvahiClient* avahi_entry_group_get_client(AvahiEntryGroup* group) { return api().entry_group_get_client(group); }
AvahiEntryGroup* avahi_entry_group_new(AvahiClient* client, AvahiEntryGroupCallback callback, void* userdata) {
  return api().entry_group_new(client, callback, userdata);
}
int avahi_entry_group_reset(AvahiEntryGroup* group) { return api().entry_group_reset(group); }
int avahi_host_name_resolver_free(AvahiHostNameResolver* r) { return api().host_name_resolver_free(r); }
AvahiHostNameResolver* avahi_host_name_resolver_new(AvahiClient* client, AvahiIfIndex interface, AvahiProtocol protocol,
                                                    const char* name, AvahiProtocol aprotocol, AvahiLookupFlags flags,
                                                    AvahiHostNameResolverCallback callback, void* userdata) {
  return api().host_name_resolver_new(client, interface, protocol, name, aprotocol, flags, callback, userdata);
}
int avahi_record_browser_free(AvahiRecordBrowser* b) { return api().record_browser_free(b); }
AvahiRecordBrowser* avahi_record_browser_new(AvahiClient* client, AvahiIfIndex interface, AvahiProtocol protocol,
                                             const char* name, uint16_t clazz, uint16_t type, AvahiLookupFlags flags,
                                             AvahiRecordBrowserCallback callback, void* userdata) {
  return api().record_browser_new(client, interface, protocol, name, clazz, type, flags, callback, userdata);
}
int avahi_service_browser_free(AvahiServiceBrowser* b) { return api().service_browser_free(b); }
AvahiClient* avahi_service_browser_get_client(AvahiServiceBrowser* b) { return api().service_browser_get_client(b); }
AvahiServiceBrowser* avahi_service_browser_new(AvahiClient* client, AvahiIfIndex interface, AvahiProtocol protocol,
                                               const char* type, const char* domain, AvahiLookupFlags flags,
                                               AvahiServiceBrowserCallback callback, void* userdata) {
  return api().service_browser_new(client, interface, protocol, type, domain, flags, callback, userdata);
}
int avahi_service_resolver_free(AvahiServiceResolver* r) { return api().service_resolver_free(r); }
AvahiClient* avahi_service_resolver_get_client(AvahiServiceResolver* r) { return api().service_resolver_get_client(r); }
AvahiServiceResolver* avahi_service_resolver_new(AvahiClient* client, AvahiIfIndex interface, AvahiProtocol protocol,
                                                 const char* name, const char* type, const char* domain,
                                                 AvahiProtocol aprotocol, AvahiLookupFlags flags,
                                                 AvahiServiceResolverCallback callback, void* userdata) {
  return api().service_resolver_new(client, interface, protocol, name, type, domain, aprotocol, flags, callback,
                                    userdata);
}
void avahi_set_allocator(const AvahiAllocator* a) { api().set_allocator(a); }
void avahi_simple_poll_free(AvahiSimplePoll* s) { api().simple_poll_free(s); }
const AvahiPoll* avahi_simple_poll_get(AvahiSimplePoll* s) { return api().simple_poll_get(s); }
int avahi_simple_poll_iterate(AvahiSimplePoll* s, int sleep_time) { return api().simple_poll_iterate(s, sleep_time); }
AvahiSimplePoll* avahi_simple_poll_new(void) { return api().simple_poll_new(); }
const char* avahi_strerror(int error) { return api().strerror(error); }
size_t avahi_string_list_serialize(AvahiStringList* l, void* data, size_t size) {
  return api().string_list_serialize(l, data, size);
}
void avahi_threaded_poll_free(AvahiThreadedPoll* p) { api().threaded_poll_free(p); }
const AvahiPoll* avahi_threaded_poll_get(AvahiThreadedPoll* p) { return api().threaded_poll_get(p); }
AvahiThreadedPoll* avahi_threaded_poll_new(void) { return api().threaded_poll_new(); }
int avahi_threaded_poll_start(AvahiThreadedPoll* p) { return api().threaded_poll_start(p); }
int avahi_threaded_poll_stop(AvahiThreadedPoll* p) { return api().threaded_poll_stop(p); }

DNSServiceErrorType DNSSD_API DNSServiceBrowse(DNSServiceRef* sdRef, DNSServiceFlags flags, uint32_t interfaceIndex,
                                               const char* regtype, const char* domain, DNSServiceBrowseReply callBack,
                                               void* context) {
  return api().browse(sdRef, flags, interfaceIndex, regtype, domain, callBack, context);
}
DNSServiceErrorType DNSSD_API DNSServiceCreateConnection(DNSServiceRef* sdRef) { return api().create_connection(sdRef); }
DNSServiceErrorType DNSSD_API DNSServiceProcessResult(DNSServiceRef sdRef) { return api().process_result(sdRef); }
DNSServiceErrorType DNSSD_API DNSServiceQueryRecord(DNSServiceRef* sdRef, DNSServiceFlags flags,
                                                    uint32_t interfaceIndex, const char* fullname, uint16_t rrtype,
                                                    uint16_t rrclass, DNSServiceQueryRecordReply callBack,
                                                    void* context) {
  return api().query_record(sdRef, flags, interfaceIndex, fullname, rrtype, rrclass, callBack, context);
}
void DNSSD_API DNSServiceRefDeallocate(DNSServiceRef sdRef) { api().ref_deallocate(sdRef); }
int DNSSD_API DNSServiceRefSockFD(DNSServiceRef sdRef) { return api().ref_sock_fd(sdRef); }
DNSServiceErrorType DNSSD_API DNSServiceRegisterRecord(DNSServiceRef sdRef, DNSRecordRef* RecordRef, DNSServiceFlags flags,
                                                       uint32_t interfaceIndex, const char* fullname, uint16_t rrtype,
                                                       uint16_t rrclass, uint16_t rdlen, const void* rdata, uint32_t ttl,
                                                       DNSServiceRegisterRecordReply callBack, void* context) {
  return api().register_record(sdRef, RecordRef, flags, interfaceIndex, fullname, rrtype, rrclass, rdlen, rdata, ttl,
                               callBack, context);
}
DNSServiceErrorType DNSSD_API DNSServiceRemoveRecord(DNSServiceRef sdRef, DNSRecordRef RecordRef, DNSServiceFlags flags) {
  return api().remove_record(sdRef, RecordRef, flags);
}
DNSServiceErrorType DNSSD_API DNSServiceResolve(DNSServiceRef* sdRef, DNSServiceFlags flags, uint32_t interfaceIndex,
                                                const char* name, const char* regtype, const char* domain,
                                                DNSServiceResolveReply callBack, void* context) {
  return api().resolve(sdRef, flags, interfaceIndex, name, regtype, domain, callBack, context);
}

}  // extern "C"
