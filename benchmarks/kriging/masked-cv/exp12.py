# Segment-level features for the level of a road without history (issue 8): wider neighbourhood levels, their spread,
# the share of upstream neighbours, and time-of-day interactions, added to the shared regression; masked CV as exp8.
import sys, os
EX=os.environ.get('EX','').split(',') if os.environ.get('EX') else []
import exp8lib as L
from h import *
def st(ts,S): return [np.concatenate([S[t][i] for t in ts]) for i in range(3)]
import itertools
obs,fold,nf=L.obs,L.fold,L.nf
lvl=L.Xtr.mean(0)
STR=int(__import__("os").environ.get("STR","3"))
def feats(Xr,tod,t,cand):
    F,B=L.feats(Xr,tod,t,cand); n=len(B)
    nb,d,up=neighbours(t,cand,8); Lv=lvl[nb]; nbK=nb[:L.K]
    g=np.exp(-(d[:L.K]/L.W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(L.K)/L.K
    Bl=Lv[:L.K]@om
    G=[]
    if 'lev' in EX:
        G+= [np.full(n,np.median(Lv)-Bl), np.full(n,Lv.mean()-Bl), np.full(n,np.std(Lv[:L.K])), np.full(n,up[:L.K].mean()), np.full(n,np.median(lvl[cand])-Bl)]
    if 'lev2' in EX:  # + the wider neighbourhood's levels in order, and the nearest's
        G+= list(np.tile(np.sort(Lv)-Bl,(n,1)).T)+[np.full(n,Lv[0]-Bl)]
    if 'levk' in EX:  # lev without the network median
        G+= [np.full(n,np.median(Lv)-Bl), np.full(n,Lv.mean()-Bl), np.full(n,np.std(Lv[:L.K])), np.full(n,up[:L.K].mean())]
    if 'levp' in EX:  # the wider neighbourhood's profiles at the target time (time-varying levels)
        Pw=L.P[tod][:,nb]; G+= [np.median(Pw,1)-B, Pw.mean(1)-B]
    if 'tod' in EX:
        ang=2*np.pi*tod/288; dev=F[:,L.K:2*L.K]
        for s in (np.sin(ang),np.cos(ang)): G+= list((dev*s[:,None]).T)
    if 'todb' in EX:  # time of day x (kernel-weighted profile - B) and x (wmedian - B)
        ang=2*np.pi*tod/288
        for s in (np.sin(ang),np.cos(ang)): G+= [F[:,4*L.K]*s, F[:,4*L.K+1]*s]
    if 'lag' in EX:
        for lag in (1,3):
            Vl=np.vstack([Xr[:1].repeat(lag,0),Xr[:-lag]])[:,nbK]; G.append(Vl@om-B)
    if G: F=np.c_[F,np.stack(G,1)]
    return F,B
cvd={}
for t in obs:
    cand=np.array([j for j in obs if fold[j]!=fold[t]]); F,B=feats(L.Xtr,L.todtr,t,cand); cvd[t]=(F[::STR],B[::STR],L.Xtr[::STR,t])
ted={t:feats(L.Xte,L.todte,t,obs)+(L.Xte[:,t],) for t in L.hid}
for lam in [0.3,3]:
    e=[]
    for k in range(nf):
        F,B,y=st([t for t in obs if fold[t]!=k],cvd); b=L.lad(F,y-B,lam,10)
        Ft,Bt,yt=st([t for t in obs if fold[t]==k],cvd); e.append(np.abs(Bt+Ft@b-yt))
    F,B,y=st(list(obs),cvd); b=L.lad(F,y-B,lam,10); Ft,Bt,yt=st(L.hid,ted)
    print(EX,lam,'cv',round(np.mean(np.concatenate(e)),3),'test',round(np.mean(np.abs(Bt+Ft@b-yt)),3),flush=True)
