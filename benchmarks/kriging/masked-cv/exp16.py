# The numpy-vs-Java gap on INCREASE's 50 is the fold draw (README, coverage extension): is the regression's variance
# across fold draws worth averaging? As exp15: a pseudo-hidden quarter of the observed Los-loop sensors set aside
# (never visible), the kept features (exp12 'lev') fitted by masking 4 folds of the rest, one fit per fold draw
# (numpy seeds 1, 2, 3), scored on the pseudo-hidden ones with every remaining sensor visible; each draw alone and
# the mean of the three fits' estimates (bagging over draws). Training rows only.
import os
os.environ.setdefault('EX','lev')
import numpy as np
import exp8lib as L
import types
M=types.ModuleType('exp12mod')
_src=open('exp12.py').read(); exec(_src[:_src.index('cvd={}')], M.__dict__)
obs=L.obs; nf=4; lam=float(os.environ.get('LAM','0.3'))
for draw in (11,12):
    r=np.random.RandomState(draw); o=obs.copy(); r.shuffle(o); ph=np.sort(o[:len(obs)//4]); rest=np.sort(o[len(obs)//4:])
    Ft,Bt,yt=M.st(list(ph),{t:M.feats(L.Xtr,L.todtr,t,rest)+(L.Xtr[:,t],) for t in ph})
    preds=[]
    for seed in (1,2,3):
        rng=np.random.RandomState(seed); oo=rest.copy(); rng.shuffle(oo); fold={i:k%nf for k,i in enumerate(oo)}
        cvd={}
        for t in rest:
            cand=np.array([j for j in rest if fold[j]!=fold[t]]); F,B=M.feats(L.Xtr,L.todtr,t,cand); cvd[t]=(F[::3],B[::3],L.Xtr[::3,t])
        F,B,y=M.st(list(rest),cvd); b=L.lad(F,y-B,lam,10); preds.append(Bt+Ft@b)
        print('draw',draw,'fold seed',seed,'lam',lam,'pseudo-hidden MAE',round(np.mean(np.abs(preds[-1]-yt)),3),flush=True)
    print('draw',draw,'mean of the 3 fits','lam',lam,'pseudo-hidden MAE',round(np.mean(np.abs(np.mean(preds,0)-yt)),3),flush=True)
