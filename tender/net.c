/* net.c: network devices backed by tap interfaces (not yet implemented). */
#include "skiff.h"

static const char *const net_keys[] = {"net", "net-mac", NULL};

static int net_option(struct skiff *s, const struct skiff_devopt *opt)
{
    (void)s;
    skiff_set_error("%s: network devices are not supported yet", opt->arg);
    return SKIFF_EXIT_USAGE;
}

const struct skiff_module skiff_module_net = {
    .name = "net",
    .usage = "  --net:NAME=TAP              attach tap interface TAP as network device NAME\n"
             "  --net-mac:NAME=MAC          set the MAC address of network device NAME\n",
    .option_keys = net_keys,
    .option = net_option,
};
