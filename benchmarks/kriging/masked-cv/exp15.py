# How many observed roads to mask at a time (issue 8), decided without the hidden roads: a pseudo-hidden quarter
# of the observed Los-loop sensors is set aside (never visible, like the hidden ones); the regression (exp12 'lev'
# features) is fitted by masking NF folds of the remaining observed sensors and scored on the pseudo-hidden ones
# with every remaining sensor visible, as the test would be. Training rows only.
import os
os.environ.setdefault('EX','lev')
import numpy as np
import exp8lib as L
from h import neighbours
import types
M=types.ModuleType('exp12mod')  # exp12's feature code without its run section
_src=open('exp12.py').read(); exec(_src[:_src.index('cvd={}')], M.__dict__)
obs=L.obs; res={}
for draw in (11,12):
    r=np.random.RandomState(draw); o=obs.copy(); r.shuffle(o); ph=np.sort(o[:len(obs)//4]); rest=np.sort(o[len(obs)//4:])
    ted={t:M.feats(L.Xtr,L.todtr,t,rest)+(L.Xtr[:,t],) for t in ph}
    for nf in (4,10):
        rng=np.random.RandomState(1); oo=rest.copy(); rng.shuffle(oo); fold={i:k%nf for k,i in enumerate(oo)}
        cvd={}
        for t in rest:
            cand=np.array([j for j in rest if fold[j]!=fold[t]]); F,B=M.feats(L.Xtr,L.todtr,t,cand); cvd[t]=(F[::3],B[::3],L.Xtr[::3,t])
        for lam in (0.3,3):
            F,B,y=M.st(list(rest),cvd); b=L.lad(F,y-B,lam,10); Ft,Bt,yt=M.st(list(ph),ted)
            print('draw',draw,'NF',nf,'lam',lam,'pseudo-hidden MAE',round(np.mean(np.abs(Bt+Ft@b-yt)),3),flush=True)
