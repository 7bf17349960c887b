// fi-pcap-loop: the baseline of the stats benchmark, a plain libpcap read loop.
//
//   fi-pcap-loop CAPTURE
//
// Opens the capture with pcap_open_offline, reads every record with pcap_next_ex and prints
// the number of frames, the captured bytes and a checksum of one byte per frame (so that
// neither the loop nor the data reads can be optimised away).

#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: fi-pcap-loop CAPTURE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* pcap = pcap_open_offline(argv[1], errbuf);
    if (!pcap) {
        std::fprintf(stderr, "fi-pcap-loop: %s: %s\n", argv[1], errbuf);
        return 1;
    }
    uint64_t frames = 0, captured = 0, original = 0;
    uint32_t check = 0;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc;
    while ((rc = pcap_next_ex(pcap, &header, &data)) == 1) {
        ++frames;
        captured += header->caplen;
        original += header->len;
        if (header->caplen > 0)
            check = check * 31 + data[header->caplen / 2];
    }
    int status = 0;
    if (rc != PCAP_ERROR_BREAK) {
        std::fprintf(stderr, "fi-pcap-loop: %s: %s\n", argv[1], pcap_geterr(pcap));
        status = 1;
    }
    pcap_close(pcap);
    std::printf("frames %llu, captured bytes %llu, original bytes %llu, check %08x\n",
                static_cast<unsigned long long>(frames), static_cast<unsigned long long>(captured),
                static_cast<unsigned long long>(original), check);
    return status;
}
