#include "app.hpp"

int main(int argc, char** argv) { return lxhost::run(argc, argv); }
