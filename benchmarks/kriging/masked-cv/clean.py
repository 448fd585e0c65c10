# The Java cleaner (roadcast.clean.ReadingCheck, default rules for 5-min mph data) in numpy: range 1..90, stuck = 12
# identical readings in a row below the highest speed seen so far, spike = 40 mph from the median of the last three.
import numpy as np
def clean(X, lo=1.0, hi=90.0, jump=40.0, stuck=12):
    X=X.astype(np.float32).copy(); T,N=X.shape
    for i in range(N):
        run_v=np.nan; run=0; mx=-np.inf; rec=[]
        for t in range(T):
            x=X[t,i]
            if np.isnan(x) or x==0 or x<lo or x>hi: X[t,i]=np.nan; continue
            if x==run_v: run+=1
            else: run_v=x; run=1
            atcap=not (x<mx)
            if not (x<=mx): mx=x
            spike=len(rec)==3 and abs(x-sorted(rec)[1])>jump
            rec=[x]+rec[:2]
            if run>=stuck and not atcap: X[t,i]=np.nan
            elif spike: X[t,i]=np.nan
    return X
