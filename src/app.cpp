#include "app.hpp"
namespace lxhost {
int run(int, char**) { return 0; }
}
