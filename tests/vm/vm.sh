# tests/vm/vm.sh: what the scripts that boot test VMs share (sourced by tests/vm/run,
# tests/vm/serve and tests/vm/shell): each ARCH's kernel package, QEMU machine and console,
# the kernel fetch, the common part of the initramfs and the QEMU command line.
# Each function that fails says why on stderr, prefixed with the calling script's name, and
# exits that script with status 1 (VM_EXIT: another status).
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

vm_die() { echo "tests/vm/${0##*/}: $*" >&2; exit "${VM_EXIT:-1}"; }

# vm_arch ARCH: sets what ARCH boots: VM_META (Debian's kernel metapackage, with its dpkg
# architecture where foreign), VM_MODULES (the modules /init loads on every boot, as modprobe
# names: KVM where the kernel has it as modules, TUN), VM_QEMU (QEMU and its machine) and
# VM_CONSOLE (the serial console).
vm_arch() {
    case $1 in
    aarch64)
        VM_META=linux-image-cloud-arm64:arm64
        VM_MODULES="tun" # KVM is built in
        VM_QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max)
        VM_CONSOLE=ttyAMA0 ;;
    x86_64)
        VM_META=linux-image-cloud-amd64
        VM_MODULES="kvm_amd tun"
        VM_QEMU=(qemu-system-x86_64 -M q35 -cpu max)
        VM_CONSOLE=ttyS0 ;;
    *) vm_die "unknown ARCH $1 (aarch64 or x86_64)" ;;
    esac
    command -v "${VM_QEMU[0]}" >/dev/null || vm_die "${VM_QEMU[0]} missing (tools/install-deps vm)"
}

# vm_kernel META CACHE_DIR: fetches that kernel package once (tests/vm/fetch-kernel) and sets
# VM_IMAGE (the image QEMU boots), VM_MODROOT (holds lib/modules/VM_KVER) and VM_KVER.
vm_kernel() {
    read -r VM_IMAGE VM_MODROOT VM_KVER < <("$VM_DIR/fetch-kernel" "$1" "$2")
    [ -n "${VM_KVER:-}" ] || exit "${VM_EXIT:-1}"
}

# vm_modules ROOT MODULE...: copies the MODULEs (modprobe names) of VM_KVER with their
# dependencies into ROOT/modules and lists them, dependencies first, in ROOT/modules.txt, the
# order /init loads them in. Those built into the kernel are left out.
vm_modules() {
    local root=$1 deps m
    shift
    deps=$(modprobe -d "$VM_MODROOT" -S "$VM_KVER" --show-depends -a "$@") ||
        vm_die "kernel $VM_KVER: no module among $* (modprobe failed)"
    mkdir -p "$root/modules" && : >"$root/modules.txt" || vm_die "cannot write $root"
    for m in $(awk '$1 == "insmod" { print $2 }' <<<"$deps" | awk '!seen[$0]++'); do
        cp "$m" "$root/modules/" && echo "/modules/${m##*/}" >>"$root/modules.txt" ||
            vm_die "cannot copy $m"
    done
}

# vm_root ROOT BUILD MODULE...: the part of a test VM's initramfs that every run has: BUILD's
# static skiff and tests/vm/init, VM_MODULES and the MODULEs.
vm_root() {
    local root=$1 build=$2
    shift 2
    [ -x "$build/skiff" ] || vm_die "$build/skiff missing: make ARCH=$ARCH STATIC=1"
    readelf -l "$build/skiff" | grep -q INTERP && vm_die "$build/skiff is dynamic: rebuild with STATIC=1"
    mkdir -p "$root" && cp "$build/skiff" "$root/skiff" || vm_die "cannot write $root"
    cp "$build/tests/vm/init" "$root/init" || vm_die "$build/tests/vm/init missing"
    vm_modules "$root" $VM_MODULES "$@"
}

# vm_cpio ROOT OUT: ROOT as an initramfs (cpio newc) in OUT.
vm_cpio() {
    (cd "$1" && find . | cpio -o -H newc --quiet) >"$2" || vm_die "cpio failed"
}

# vm_qemu_cmd INITRD CMDLINE: sets VM_CMD to the QEMU command that boots VM_IMAGE with INITRD
# and that kernel command line (after the console and panic settings): one vCPU, 1 GiB, the
# serial console on stdio, no NIC (callers add theirs), powered off rather than rebooted.
vm_qemu_cmd() {
    VM_CMD=("${VM_QEMU[@]}" -m 1024 -smp 1 -nographic -no-reboot -nic none -kernel "$VM_IMAGE"
        -initrd "$1" -append "console=$VM_CONSOLE panic=-1 $2")
}

# elapsed START: seconds since START (a date +%s.%N), one decimal.
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
