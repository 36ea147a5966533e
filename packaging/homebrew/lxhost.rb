# Homebrew formula for lxhost (macOS, the laptop side). Put it in a tap, then
#   brew install --HEAD lxhost
# homepage and head are the repository's published address; a release adds `url` and `sha256` of
# its source tarball above `head`.
class Lxhost < Formula
  desc "Run LXC's lxc-* tools on a container host over SSH, as if they were local"
  homepage "https://github.com/lxhost/lxhost"
  head "https://github.com/lxhost/lxhost.git", branch: "main"
  license "MIT"

  depends_on "boost" => :build
  depends_on "cli11" => :build
  depends_on "cmake" => :build
  depends_on "nlohmann-json" => :build
  depends_on "pkgconf" => :build
  depends_on "fmt"
  depends_on "libssh"
  depends_on "tomlplusplus"

  def install
    # mDNS uses the system's dns_sd.h (libSystem): nothing to depend on.
    system "cmake", "-S", ".", "-B", "build", "-DLXHOST_BUILD_TESTS=OFF", *std_cmake_args
    system "cmake", "--build", "build"
    bin.install "build/lxhost"
    # What the binary renders from its tables at build time, in Homebrew's places.
    bash_completion.install "build/rendered/completions/lxhost"
    zsh_completion.install "build/rendered/completions/_lxhost"
    man1.install "build/rendered/man/lxhost.1"
    man5.install "build/rendered/man/lxhost.toml.5"
    doc.install "README.md", "LICENSE", "docs/ARCHITECTURE.md"
  end

  test do
    assert_match(/^lxhost \S+$/, shell_output("#{bin}/lxhost --version"))
    assert_match "start-ephemeral", shell_output("#{bin}/lxhost help")
    (testpath/"config.toml").write <<~TOML
      [hosts.lab]
      address = "containers.local"
      port = 2222
    TOML
    assert_match "host.port = 2222", shell_output("#{bin}/lxhost -c #{testpath}/config.toml config show")
    (testpath/"bad.toml").write "[hosts.lab]\nprot = 22\n"
    assert_match "did you mean 'port'", shell_output("#{bin}/lxhost -c #{testpath}/bad.toml config show 2>&1", 2)
    assert_match "lxc-ls", shell_output("#{bin}/lxhost completions zsh")
  end
end
