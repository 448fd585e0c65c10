# java.util.Random and Collections.shuffle in Python: the fold assignment Kriging.masking draws (seed 1), to compare
# the numpy replication with the Java layer on the same masked folds.
class JavaRandom:
    def __init__(self, seed): self.s=(seed ^ 0x5DEECE66D) & ((1<<48)-1)
    def next(self, bits):
        self.s=(self.s*0x5DEECE66D+0xB) & ((1<<48)-1); r=self.s>>(48-bits)
        return r-(1<<bits) if r>=(1<<(bits-1)) and bits==32 else r
    def nextInt(self, bound):
        if bound & (bound-1)==0: return (bound*self.next(31))>>31
        while True:
            bits=self.next(31); val=bits%bound
            if bits-val+(bound-1) < (1<<31): return val
def shuffle(lst, rnd):
    # Collections.shuffle for a RandomAccess list: for i = size..2, swap(i-1, nextInt(i))
    for i in range(len(lst),1,-1):
        j=rnd.nextInt(i); lst[i-1],lst[j]=lst[j],lst[i-1]
    return lst
def java_folds(n, folds, seed=1):
    order=shuffle(list(range(n)), JavaRandom(seed)); fold=[0]*n
    for k,i in enumerate(order): fold[i]=k%folds
    return fold
