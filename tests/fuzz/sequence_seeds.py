import struct, sys
# Writes the seed sequences of fuzz_stream and fuzz_analysis (PacketSequence.h's format) into
# each directory given: python3 tests/fuzz/sequence_seeds.py tests/fuzz/regressions/{stream,analysis}
S,A,F,R,P=2,16,1,4,8
def seg(conn,d,flags,seqd=0,ackd=0,payload=b'',win=64,t=5,bits=0):
    return bytes([conn|d<<2|bits,flags])+struct.pack('<hh',seqd,ackd)+bytes([len(payload),win,t])+payload
isn=struct.pack('<I',0xfffffff0)
hs=[seg(0,0,S,bits=0x20),seg(0,1,S|A,bits=0x20),seg(0,0,A)]
close=[seg(0,0,F|A),seg(0,1,F|A),seg(0,0,A)]
seeds={
 'handshake-data-close': hs+[seg(0,0,A|P,payload=b'GET / HTTP/1.1\r\n'),seg(0,1,A|P,payload=b'HTTP/1.1 200 OK\r\n'),seg(0,0,A)]+close,
 'retransmission-and-gap': hs+[seg(0,0,A|P,payload=b'abcdefgh'),seg(0,0,A|P,seqd=-8,payload=b'abcdefgh'),seg(0,0,A|P,seqd=20,payload=b'late'),seg(0,1,A),seg(0,1,A),seg(0,1,A),seg(0,0,A|P,seqd=-32,payload=b'x'*20,t=1)],
 'zero-window-and-reset': hs+[seg(0,1,A,win=0),seg(0,0,A|P,payload=b'p'),seg(0,1,A,win=0),seg(0,0,R|A)],
 'two-connections-port-reuse': hs+[seg(1,0,S),seg(1,1,S|A),seg(0,0,A|P,payload=b'one'),seg(0,0,S,seqd=3000),seg(1,0,A|P,payload=b'two',bits=8)],
}
for d in sys.argv[1:]:
    for name,segs in seeds.items():
        open(f'{d}/{name}','wb').write(isn+b''.join(segs))
